package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.upstream.balance.BalancingStrategy;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.PickerContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code max_connections}, {@code max_queue} and {@code queue_timeout} on the member side: requests
 * beyond a member's limit wait in the cluster's bounded queue, go on when an attempt ends, and fail
 * {@link Outcome.Kind#OVERLOADED} (503 with Retry-After for a client) when the queue is full or the
 * wait runs out; a cluster with nothing usable fails at once.
 */
class MemberExchangeOverloadTest extends MemberExchangeFixture {
    static MemberPolicy overload(int maxConnections, int maxQueue, Duration queueTimeout) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), d.health(), d.maxFails(), d.failTimeout(), d.failOn(), d.slowStart(),
                d.retries(), d.retryBodyMax(), d.retryTimeout(), maxConnections, maxQueue, queueTimeout);
    }

    /** Answers once {@code release} opens; counts the requests it holds in {@code holding}. */
    static ScriptedMember.Script held(CountDownLatch release, CountDownLatch holding, String body) {
        ScriptedMember.Script answer = ScriptedMember.heldUntil(release, body);
        return (request, in, out) -> {
            holding.countDown();
            return answer.answer(request, in, out);
        };
    }

    @Test
    void withoutALimitThereIsNoQueue() throws Exception {
        try (ScriptedMember m = ScriptedMember.start(ScriptedMember.ok("x"))) {
            UpstreamCluster cluster = side.cluster("app", MemberPolicy.DEFAULTS, MemberSide.loopback(m.port()));
            assertNull(cluster.waitQueue(), "max_connections = 0 costs no queue");
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
        }
    }

    @Test
    void aFullMemberWithAFullQueueFailsOverloadedAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        try (ScriptedMember m = ScriptedMember.start(held(release, holding, "first"))) {
            UpstreamCluster cluster = side.cluster("app", overload(1, 1, Duration.ofSeconds(10)),
                    MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/1"));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            MemberSide.Sink second = side.exchange(cluster, MemberSide.Request.get("/2"));
            awaitIo("the second waits", () -> cluster.waiting() == 1);
            long t0 = System.nanoTime();
            MemberSide.Sink third = side.exchange(cluster, MemberSide.Request.get("/3"));
            assertEquals("failed OVERLOADED", third.await());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "at once, not after queue_timeout");
            assertNull(third.failure.member());
            assertEquals(0, io(() -> third.exchange.attempts()));
            assertTrue(third.failure.reason().contains("max_connections (1)"), third.failure.reason());
            assertEquals(1, state.active(), "the refused request made no attempt");
            assertEquals(1, m.connections());

            release.countDown();
            assertEquals("end", first.await());
            assertEquals("end", second.await(), "the waiting request went on when the first ended");
            assertEquals(0, cluster.waiting());
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
            assertEquals(2, state.requests());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aWaitLongerThanQueueTimeoutFailsOverloaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        try (ScriptedMember m = ScriptedMember.start(held(release, holding, "first"))) {
            UpstreamCluster cluster = side.cluster("app", overload(1, 10, Duration.ofMillis(200)),
                    MemberSide.loopback(m.port()));
            MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/1"));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            MemberSide.Sink second = side.exchange(cluster, MemberSide.Request.get("/2"));
            assertEquals("failed OVERLOADED", second.await());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "not before queue_timeout");
            assertTrue(second.failure.reason().contains("queue_timeout"), second.failure.reason());
            assertEquals(0, cluster.waiting());
            release.countDown();
            assertEquals("end", first.await());
        }
    }

    @Test
    void queuedRequestsGoOnInTheOrderTheyCameAsSlotsFree() throws Exception {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CountDownLatch> releases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            releases.add(new CountDownLatch(1));
        }
        CountDownLatch holding = new CountDownLatch(1);
        ScriptedMember.Script script = (request, in, out) -> {
            String path = path(request);
            order.add(path);
            holding.countDown();
            return ScriptedMember.heldUntil(releases.get(Integer.parseInt(path.substring(1))), path)
                    .answer(request, in, out);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", overload(1, 10, Duration.ofSeconds(10)),
                    MemberSide.loopback(m.port()));
            List<MemberSide.Sink> sinks = new ArrayList<>();
            sinks.add(side.exchange(cluster, MemberSide.Request.get("/0")));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            for (int i = 1; i < 4; i++) {
                sinks.add(side.exchange(cluster, MemberSide.Request.get("/" + i)));
                int waiting = i;
                awaitIo(waiting + " waiting", () -> cluster.waiting() == waiting);
            }
            for (int i = 0; i < 4; i++) {
                releases.get(i).countDown();
                assertEquals("end", sinks.get(i).await());
                assertEquals("/" + i, sinks.get(i).bodyText());
            }
            assertEquals(List.of("/0", "/1", "/2", "/3"), order, "oldest first");
            assertEquals(0, cluster.members().get(0).active());
        }
    }

    @Test
    void aWaiterThatGivesUpLeavesTheQueueAndTheSlotGoesToTheNext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        try (ScriptedMember m = ScriptedMember.start(held(release, holding, "ok"))) {
            UpstreamCluster cluster = side.cluster("app", overload(1, 10, Duration.ofSeconds(10)),
                    MemberSide.loopback(m.port()));
            MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/1"));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            MemberSide.Sink leaving = side.exchange(cluster, MemberSide.Request.get("/2"));
            MemberSide.Sink staying = side.exchange(cluster, MemberSide.Request.get("/3"));
            awaitIo("two waiting", () -> cluster.waiting() == 2);
            io(() -> {
                leaving.exchange.cancel(); // its client left
                return null;
            });
            assertEquals(1, cluster.waiting());
            release.countDown();
            assertEquals("end", first.await());
            assertEquals("end", staying.await());
            assertFalse(leaving.done.isDone(), "a cancelled exchange tells its sink nothing");
            assertEquals(2, cluster.members().get(0).requests());
        }
    }

    @Test
    void aFullMemberIsPassedOverForOneWithRoomBeforeAnyWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(2);
        try (ScriptedMember a = ScriptedMember.start(held(release, holding, "a"));
             ScriptedMember b = ScriptedMember.start(held(release, holding, "b"))) {
            UpstreamCluster cluster = side.cluster("app", overload(1, 10, Duration.ofSeconds(10)),
                    MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
            MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/1"));
            MemberSide.Sink second = side.exchange(cluster, MemberSide.Request.get("/2"));
            MemberSide.Sink third = side.exchange(cluster, MemberSide.Request.get("/3"));
            assertTrue(holding.await(10, TimeUnit.SECONDS), "one on each member");
            awaitIo("the third waits", () -> cluster.waiting() == 1);
            assertEquals(1, a.connections());
            assertEquals(1, b.connections());
            release.countDown();
            for (MemberSide.Sink s : List.of(first, second, third)) {
                assertEquals("end", s.await());
            }
            assertEquals(1, io(() -> third.exchange.attempts()), "passing a full member over is no attempt");
        }
    }

    @Test
    void aClusterWithNoUsableMemberFailsAtOnceWithoutWaiting() throws Exception {
        BalancingStrategy nothingUsable = new BalancingStrategy() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public Picker newPicker(PickerContext context) {
                return (key, tried) -> null;
            }
        };
        try (ScriptedMember m = ScriptedMember.start(ScriptedMember.ok("x"))) {
            UpstreamCluster cluster = side.cluster("app", overload(1, 10, Duration.ofSeconds(10)), nothingUsable,
                    MemberSide.loopback(m.port()));
            long t0 = System.nanoTime();
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("failed NO_MEMBER", sink.await());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
            assertEquals(0, cluster.waiting());
            assertEquals(0, m.connections());
        }
    }
}
