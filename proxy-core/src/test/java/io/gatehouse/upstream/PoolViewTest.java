package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.StatusRanges;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.runtime.RuntimeBuilder;
import io.gatehouse.upstream.health.CheckResult;
import io.gatehouse.upstream.health.MemberStatus;
import io.gatehouse.view.ClusterView;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;
import io.gatehouse.view.PoolView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool view over a generation built by the real {@link RuntimeBuilder}, with scripted members on
 * loopback: each member's state and why, weights, traffic and latency, and draining through it.
 */
class PoolViewTest {
    private static final HealthCheckSpec CHECK = new HealthCheckSpec("/health", Duration.ofSeconds(5),
            Duration.ofSeconds(1), 2, 1, StatusRanges.OK_OR_REDIRECT, Optional.empty());

    @TempDir
    Path tmp;

    private MemberSide side;
    private final AtomicReference<Runtime> current = new AtomicReference<>();
    private PoolView view;

    @BeforeEach
    void start() {
        side = MemberSide.start();
        view = new PoolView(current::get);
    }

    @AfterEach
    void stop() {
        side.close();
    }

    private Runtime install(GatehouseConfig config) {
        RuntimeBuilder builder = new RuntimeBuilder(side.registry, side.connector, new AtomicLong(), r -> { }, List.of());
        RuntimeBuilder.Outcome built = builder.build(config);
        assertEquals(List.of(), built.problems().stream().map(Problem::toString).toList());
        Runtime next = built.runtime().orElseThrow();
        side.registry.adopt(next.upstreams());
        current.set(next);
        side.registry.retainOnly(next.upstreams());
        return next;
    }

    private GatehouseConfig load(String text) {
        ConfDirFixture dir = new ConfDirFixture(tmp.resolve("conf" + System.nanoTime()));
        dir.file("site.conf", text);
        LoadOutcome loaded = dir.load();
        assertEquals(List.of(), loaded.problems().stream().map(Problem::toString).toList());
        return loaded.config().orElseThrow();
    }

    private static CheckResult result(boolean ok, String reason) {
        return new CheckResult(Instant.parse("2024-05-01T12:00:00Z"), Duration.ofMillis(4), ok, reason);
    }

    @Test
    void eachMemberShowsItsStateWhyWeightsTrafficAndLatency() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedMember a = ScriptedMember.start(ScriptedMember.ok("a"));
             ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("b"));
             ScriptedMember spare = ScriptedMember.start(ScriptedMember.ok("spare"));
             ScriptedMember off = ScriptedMember.start(ScriptedMember.ok("off"));
             ScriptedMember held = ScriptedMember.start(ScriptedMember.heldUntil(release, "late"))) {
            MemberPolicy policy = ConfigEdits.policy(1, Duration.ofSeconds(10), Optional.of(CHECK), Duration.ofSeconds(60));
            GatehouseConfig config = load("""
                    [routes:line]
                    / = @app
                    /held = @slow

                    [@app]
                    members = 127.0.0.1:%d weight=3, 127.0.0.1:%d, 127.0.0.1:%d backup, 127.0.0.1:%d

                    [@slow]
                    members = 127.0.0.1:%d
                    """.formatted(a.port(), b.port(), spare.port(), off.port(), held.port()));
            config = ConfigEdits.cluster(ConfigEdits.policy(config, "app", policy), "app", s -> ConfigEdits.down(s, 3));
            Runtime runtime = install(config);
            UpstreamCluster app = runtime.clusters().get(0);
            MemberState aState = app.members().get(0);
            MemberState bState = app.members().get(1);
            MemberState spareState = app.members().get(2);

            PoolSnapshot first = view.snapshot();
            assertEquals(List.of("app", "slow"), first.clusters().stream().map(ClusterView::name).toList());
            assertEquals("round_robin", first.cluster("@app").orElseThrow().strategy());
            MemberView aView = first.cluster("app").orElseThrow().member("127.0.0.1:" + a.port()).orElseThrow();
            assertEquals(MemberStatus.CHECKING, aView.state());
            assertEquals("waiting for the first check", aView.why());
            assertEquals(Optional.empty(), aView.lastCheck());
            assertEquals(3, aView.weight());
            assertEquals(3.0, aView.effectiveWeight());
            MemberView offView = first.cluster("app").orElseThrow().members().get(3);
            assertEquals(MemberStatus.DOWN, offView.state(), "written down");
            assertEquals("written down in the configuration", offView.why());
            assertEquals(0.0, offView.effectiveWeight());

            aState.checkResult(CHECK, result(true, "status 200"));
            bState.checkResult(CHECK, result(false, "connect() refused"));
            spareState.checkResult(CHECK, result(true, "status 200"));
            for (int i = 0; i < 4; i++) {
                assertEquals("end", side.exchange(app, MemberSide.Request.get("/" + i)).await());
            }
            MemberSide.Sink inFlight = side.exchange(runtime.clusters().get(1), MemberSide.Request.get("/held"));
            MemberSide.eventually("the held member has the request", () -> held.requests().size() == 1);

            PoolSnapshot now = view.snapshot();
            ClusterView appView = now.cluster("app").orElseThrow();
            aView = appView.members().get(0);
            assertEquals(MemberStatus.UP, aView.state());
            assertEquals("1 check passed", aView.why());
            assertEquals("status 200", aView.lastCheck().orElseThrow().reason());
            assertEquals(Duration.ofMillis(4), aView.lastCheck().orElseThrow().latency());
            assertEquals(a.requests().size(), aView.requests(), "what a served");
            assertTrue(aView.requests() >= 3, "b is down, the backup waits: a takes the requests");
            assertEquals(0, b.requests().size());
            assertEquals(0, spare.requests().size());
            assertEquals(0, aView.failures());
            assertEquals(0, aView.inFlight());
            assertTrue(aView.latencyAverage().orElseThrow().toNanos() > 0);
            assertTrue(aView.latencyP99().orElseThrow().toNanos() > 0);
            MemberView bView = appView.members().get(1);
            assertEquals(MemberStatus.DOWN, bView.state());
            assertEquals("1 check failed (connect() refused)", bView.why());
            assertFalse(bView.lastCheck().orElseThrow().ok());
            assertEquals(0.0, bView.effectiveWeight());
            assertEquals(Optional.empty(), bView.latencyAverage());
            MemberView spareView = appView.members().get(2);
            assertEquals(MemberStatus.BACKUP, spareView.state(), "a usable backup");
            assertEquals(1, now.cluster("slow").orElseThrow().members().get(0).inFlight());
            assertTrue(now.generation() > 0);
            assertThrows(UnsupportedOperationException.class, () -> now.clusters().add(appView), "immutable");
            assertThrows(UnsupportedOperationException.class, () -> appView.members().clear(), "immutable");

            // Draining through the view: no new requests; undrained, it ramps under slow start.
            assertTrue(view.drain("@app", "127.0.0.1:" + a.port(), true));
            MemberView drained = view.snapshot().cluster("app").orElseThrow().members().get(0);
            assertEquals(MemberStatus.DRAINING, drained.state());
            assertEquals(0.0, drained.effectiveWeight());
            int aServed = a.requests().size();
            for (int i = 0; i < 2; i++) {
                assertEquals("end", side.exchange(app, MemberSide.Request.get("/drained" + i)).await());
            }
            assertEquals(aServed, a.requests().size(), "drained: no new request");
            assertTrue(view.drain("app", "127.0.0.1:" + a.port(), false));
            MemberView back = view.snapshot().cluster("app").orElseThrow().members().get(0);
            assertEquals(MemberStatus.SLOW_START, back.state());
            assertEquals("drain cleared", back.why());
            assertTrue(back.effectiveWeight() > 0 && back.effectiveWeight() < 3, "ramping: " + back.effectiveWeight());

            assertFalse(view.drain("app", "127.0.0.1:1", true), "not a member of @app");
            assertFalse(view.drain("nope", "127.0.0.1:" + a.port(), true), "no such cluster");

            release.countDown();
            assertEquals("end", inFlight.await());
        }
    }

    @Test
    void beforeAnyGenerationTheViewIsEmpty() {
        PoolSnapshot empty = new PoolView(() -> null, System::nanoTime, Clock.systemUTC()).snapshot();
        assertEquals(List.of(), empty.clusters());
        assertFalse(new PoolView(() -> null).drain("app", "127.0.0.1:1", true));
    }
}
