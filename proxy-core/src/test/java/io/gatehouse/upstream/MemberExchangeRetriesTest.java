package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.StatusRanges;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelPipe;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Which failed attempts another member takes over ({@code retries}, {@code retry_body_max},
 * {@code retry_timeout}, {@code fail_on}), against scripted members, no client: nothing that reached no
 * member is lost whatever its method; what reached one goes on only when idempotent and its body can be
 * sent again; every attempt is counted once on its member.
 */
class MemberExchangeRetriesTest extends MemberExchangeFixture {
    static final StatusRanges FAIL_ON_503 = new StatusRanges(List.of(new StatusRanges.Range(503, 503)));

    /** The defaults, with {@code retries}, {@code retry_body_max}, {@code retry_timeout} and {@code fail_on} as given. */
    static MemberPolicy policy(int retries, long retryBodyMax, Duration retryTimeout, StatusRanges failOn) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), d.health(), d.maxFails(), d.failTimeout(), failOn, d.slowStart(), retries,
                retryBodyMax, retryTimeout, d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }

    static final MemberPolicy DEFAULTS = MemberPolicy.DEFAULTS;

    /** Reads the head only and closes: the request reached the member, no byte of answer came. */
    static final ScriptedMember.Script CLOSES = (request, in, out) -> false;

    /** Reads the whole request body (a length or chunks), then closes without a word. */
    static ScriptedMember.Script readsBodyThenCloses(CountDownLatch read) {
        return (request, in, out) -> {
            readBody(request, in);
            read.countDown();
            return false;
        };
    }

    static byte[] readBody(ScriptedMember.Request request, InputStream in) throws IOException {
        String length = request.header("Content-Length");
        return "chunked".equals(request.header("Transfer-Encoding"))
                ? readChunkedStrictly(in) : ScriptedMember.readBytes(in, Integer.parseInt(length));
    }

    static ScriptedMember.Script answers(int status, String body) {
        return (request, in, out) -> {
            if (request.header("Content-Length") != null || request.header("Transfer-Encoding") != null) {
                readBody(request, in);
            }
            write(out, "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            return true;
        };
    }

    static MemberSide.Request put(StreamSourceChannel body, long length) {
        return new MemberSide.Request(Methods.PUT, "/put").body(body, length);
    }

    static MemberSide.Request post(StreamSourceChannel body, long length) {
        return new MemberSide.Request(Methods.POST, "/post").body(body, length);
    }

    static void assertCountedOnce(UpstreamCluster cluster) {
        for (MemberState m : cluster.members()) {
            assertEquals(0, m.active(), m + " has an attempt still open");
            assertEquals(m.requests(), sumOfOutcomes(m), m + ": every attempt ended once");
        }
    }

    // ---- nothing reached a member: any method goes on

    @Test
    void aPostWhoseConnectionWasRefusedGoesToTheNextMemberWithItsBody() throws Exception {
        byte[] body = "a form, posted".getBytes(StandardCharsets.ISO_8859_1);
        try (ScriptedMember b = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(refusedPort()),
                    MemberSide.loopback(b.port()));
            MemberState refusing = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), body, true);
            MemberSide.Request post = post(pipe.getLeftSide(), body.length);
            MemberSide.Sink sink = side.exchange(cluster, post);
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray(), "the second member got the body");
            assertEquals(1, post.bodyOpened, "the body was opened once, for the member that took the head");
            assertEquals(1, refusing.outcomes(Outcome.Kind.CONNECT_FAILED));
            assertEquals(Outcome.Kind.CONNECT_FAILED, sink.attemptsFailed.get(0).kind());
            assertEquals(2, io(() -> sink.exchange.attempts()));
            assertSame(cluster.members().get(1), io(() -> sink.exchange.member()), "the final member");
            assertCountedOnce(cluster);
        }
    }

    // ---- reached a member which failed before any byte of answer

    @Test
    void aGetWhoseMemberClosedAfterReadingItsHeadGoesToTheNextMember() throws Exception {
        try (ScriptedMember a = ScriptedMember.start(CLOSES);
             ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("from b"))) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals("from b", sink.bodyText());
            assertEquals(1, a.requests().size(), "the first member had the request");
            assertEquals(1, cluster.members().get(0).outcomes(Outcome.Kind.BROKEN));
            assertEquals(1, cluster.members().get(1).outcomes(Outcome.Kind.OK));
            assertEquals(1, sink.attemptsFailed.size());
            assertEquals("upstream closed the connection without answering", sink.attemptsFailed.get(0).reason());
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aGetWhoseMemberGaveNoHeadInTimeGoesToTheNextMember() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (ScriptedMember a = ScriptedMember.start(answerThenAwaitClose("", closed));
             ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("from b"))) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("end", sink.await());
            assertEquals("from b", sink.bodyText());
            assertEquals(1, cluster.members().get(0).outcomes(Outcome.Kind.HEAD_TIMEOUT));
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the silent member's connection was closed");
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aPostThatReachedAMemberWhichDiedIsNotSentAgain() throws Exception {
        byte[] body = "order #1".getBytes(StandardCharsets.ISO_8859_1);
        CountDownLatch read = new CountDownLatch(1);
        try (ScriptedMember a = ScriptedMember.start(readsBodyThenCloses(read));
             ScriptedMember b = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), body, true);
            MemberSide.Sink sink = side.exchange(cluster, post(pipe.getLeftSide(), body.length));
            assertEquals("failed BROKEN", sink.await());
            assertTrue(read.await(10, TimeUnit.SECONDS));
            assertEquals(0, b.connections(), "not replayed: a POST is not idempotent");
            assertEquals(0, sink.attemptsFailed.size());
            assertEquals(1, io(() -> sink.exchange.attempts()));
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aPostThatReachedAMemberIsNotSentAgainEvenWhenNoneOfItsBodyWasRead() throws Exception {
        try (ScriptedMember a = ScriptedMember.start(CLOSES);
             ScriptedMember b = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            // The body has not come when the member, which had the head, dies: it may have acted on it.
            MemberSide.Sink sink = side.exchange(cluster, post(pipe.getLeftSide(), 5));
            assertEquals("failed BROKEN", sink.await());
            assertEquals(0, b.connections());
            assertEquals(1, io(() -> sink.exchange.attempts()));
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aPutWithAHeldBodyGoesToTheNextMemberWithTheSameBytes() throws Exception {
        byte[] body = randomBytes(40_000, 11); // within the default retry_body_max (64k), over one buffer
        CountDownLatch read = new CountDownLatch(1);
        try (ScriptedMember a = ScriptedMember.start(readsBodyThenCloses(read));
             ScriptedMember b = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Request put = put(pipe.getLeftSide(), body.length);
            MemberSide.Sink sink = side.exchange(cluster, put);
            feed(pipe.getRightSide(), body, true);
            assertEquals("end", sink.await());
            assertTrue(read.await(10, TimeUnit.SECONDS), "the first member read the whole body");
            assertArrayEquals(body, sink.body.toByteArray(), "the second member got the same bytes");
            assertEquals(1, put.bodyOpened);
            assertEquals(1, cluster.members().get(0).outcomes(Outcome.Kind.BROKEN));
            assertEquals(1, cluster.members().get(1).outcomes(Outcome.Kind.OK));
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aChunkedPutCutOffMidBodyIsSentAgainHeldBytesFirstThenTheRestAsItComes() throws Exception {
        byte[] body = randomBytes(30_000, 12);
        CountDownLatch cut = new CountDownLatch(1);
        ScriptedMember.Script readsSomeThenCloses = (request, in, out) -> {
            ScriptedMember.readBytes(in, 1000); // some of the first chunk, then it dies
            cut.countDown();
            return false;
        };
        try (ScriptedMember a = ScriptedMember.start(readsSomeThenCloses);
             ScriptedMember b = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Request put = put(pipe.getLeftSide(), -1);
            MemberSide.Sink sink = side.exchange(cluster, put);
            feed(pipe.getRightSide(), java.util.Arrays.copyOfRange(body, 0, 10_000), false);
            assertTrue(cut.await(10, TimeUnit.SECONDS));
            awaitIo("the second attempt", () -> sink.exchange.attempts() == 2);
            feed(pipe.getRightSide(), java.util.Arrays.copyOfRange(body, 10_000, body.length), true);
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray(), "the held part, then the rest, in order, in chunks");
            assertEquals(1, put.bodyOpened);
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aPutBodyLargerThanRetryBodyMaxIsNotSentAgainOnceItWasSent() throws Exception {
        byte[] body = randomBytes(4096, 13);
        CountDownLatch read = new CountDownLatch(2);
        try (ScriptedMember a = ScriptedMember.start(readsBodyThenCloses(read));
             ScriptedMember b = ScriptedMember.start(echo())) {
            // A length over the limit (never held), then chunks that outgrow it (the copy dropped).
            for (long length : new long[] {body.length, -1}) {
                UpstreamCluster cluster = side.cluster("app" + length, policy(-1, 1024, Duration.ZERO,
                        StatusRanges.NONE), MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
                ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
                MemberSide.Sink sink = side.exchange(cluster, put(pipe.getLeftSide(), length));
                feed(pipe.getRightSide(), body, true);
                assertEquals("failed BROKEN", sink.await(), "length " + length);
                assertEquals(0, b.connections(), "not replayed: the body was sent and not held");
                assertEquals(1, io(() -> sink.exchange.attempts()));
                assertCountedOnce(cluster);
            }
            assertTrue(read.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPutWhoseMemberFailedBeforeAnyOfItsBodyWasReadIsSentAgainEvenWhenLarge() throws Exception {
        byte[] body = randomBytes(4096, 14);
        try (ScriptedMember a = ScriptedMember.start(CLOSES);
             ScriptedMember b = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", policy(-1, 0, Duration.ZERO, StatusRanges.NONE),
                    MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Request put = put(pipe.getLeftSide(), body.length);
            // Nothing of the body comes until the first member has closed: none of it was read.
            MemberSide.Sink sink = side.exchange(cluster, put);
            awaitIo("the second attempt", () -> sink.exchange.attempts() == 2);
            feed(pipe.getRightSide(), body, true);
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray());
            assertCountedOnce(cluster);
        }
    }

    // ---- retries, retry_timeout

    @Test
    void retriesZeroMakesOneAttemptOnly() throws Exception {
        try (ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("from b"))) {
            UpstreamCluster cluster = side.cluster("app", policy(0, DEFAULTS.retryBodyMax(), Duration.ZERO,
                    StatusRanges.NONE), MemberSide.loopback(refusedPort()), MemberSide.loopback(b.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("failed CONNECT_FAILED", sink.await());
            assertEquals(0, b.connections());
            assertEquals(1, io(() -> sink.exchange.attempts()));
            assertCountedOnce(cluster);
        }
    }

    @Test
    void retriesBoundTheAttempts() throws Exception {
        try (ScriptedMember d = ScriptedMember.start(ScriptedMember.ok("from d"))) {
            UpstreamCluster cluster = side.cluster("app", policy(1, DEFAULTS.retryBodyMax(), Duration.ZERO,
                    StatusRanges.NONE), MemberSide.loopback(refusedPort()), MemberSide.loopback(refusedPort()),
                    MemberSide.loopback(d.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("failed CONNECT_FAILED", sink.await(), "two attempts, both refused; the third member is not tried");
            assertEquals(0, d.connections());
            assertEquals(2, io(() -> sink.exchange.attempts()));
            assertCountedOnce(cluster);
        }
    }

    @Test
    void retryTimeoutStopsNewAttemptsOnceItPassed() throws Exception {
        CountDownLatch closed = new CountDownLatch(2);
        try (ScriptedMember a = ScriptedMember.start(answerThenAwaitClose("", closed));
             ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("from b"))) {
            // The first member takes the response timeout (300 ms) to fail: past retry_timeout (100 ms).
            UpstreamCluster bounded = side.cluster("bounded", policy(-1, 0, Duration.ofMillis(100), StatusRanges.NONE),
                    MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
            MemberSide.Sink sink = side.exchange(bounded, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("failed HEAD_TIMEOUT", sink.await());
            assertEquals(0, b.connections(), "no attempt begins after retry_timeout");
            assertCountedOnce(bounded);

            // The same with retry_timeout beyond the first attempt's time: the second member answers.
            UpstreamCluster roomy = side.cluster("roomy", policy(-1, 0, Duration.ofSeconds(5), StatusRanges.NONE),
                    MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
            MemberSide.Sink second = side.exchange(roomy, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("end", second.await());
            assertEquals("from b", second.bodyText());
        }
    }

    @Test
    void retryTimeoutCountsFromTheFirstAttempt() throws Exception {
        CountDownLatch closed = new CountDownLatch(2);
        try (ScriptedMember a = ScriptedMember.start(answerThenAwaitClose("", closed));
             ScriptedMember b = ScriptedMember.start(answerThenAwaitClose("", closed));
             ScriptedMember c = ScriptedMember.start(ScriptedMember.ok("from c"))) {
            // Each silent member takes the response timeout (300 ms): the second attempt begins within
            // retry_timeout (500 ms), the third would begin after it.
            UpstreamCluster cluster = side.cluster("app", policy(-1, 0, Duration.ofMillis(500), StatusRanges.NONE),
                    MemberSide.loopback(a.port()), MemberSide.loopback(b.port()), MemberSide.loopback(c.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("failed HEAD_TIMEOUT", sink.await());
            assertEquals(2, io(() -> sink.exchange.attempts()));
            assertEquals(0, c.connections(), "no third attempt: 600 ms since the first began");
            assertCountedOnce(cluster);
        }
    }

    // ---- fail_on

    @Test
    void aFailOnAnswerFromTheFirstMemberSendsAGetToTheNextAndCountsAgainstTheFirst() throws Exception {
        try (ScriptedMember a = ScriptedMember.start(answers(503, "busy"));
             ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("from b"))) {
            UpstreamCluster cluster = side.cluster("app", policy(-1, DEFAULTS.retryBodyMax(), Duration.ZERO, FAIL_ON_503),
                    MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
            MemberState first = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals(200, sink.status);
            assertEquals("from b", sink.bodyText());
            assertEquals(1, first.outcomes(Outcome.Kind.FAIL_STATUS));
            assertEquals(1, first.failures());
            assertEquals(1, sink.attemptsFailed.size());
            assertEquals("upstream answered 503 (fail_on)", sink.attemptsFailed.get(0).reason());
            assertTrue(sink.attemptsFailed.get(0).toHeadNanos() >= 0, "the head's time is the failed attempt's");
            assertEquals(1, side.idle(first), "the whole 503 was read: its connection is kept");
            assertCountedOnce(cluster);
        }
    }

    @Test
    void aFailOnAnswerThatNoOtherMemberCanTakeOverGoesToTheSinkAsItIs() throws Exception {
        try (ScriptedMember a = ScriptedMember.start(answers(503, "busy a"));
             ScriptedMember b = ScriptedMember.start(answers(503, "busy b"))) {
            // max_fails = 0: passive health would otherwise take both members out after their 503s,
            // and the POST below would find no member at all (that is health's test, not this one's).
            MemberPolicy p = policy(-1, DEFAULTS.retryBodyMax(), Duration.ZERO, FAIL_ON_503);
            p = new MemberPolicy(p.hashKey(), p.health(), 0, p.failTimeout(), p.failOn(), p.slowStart(), p.retries(),
                    p.retryBodyMax(), p.retryTimeout(), p.maxConnections(), p.maxQueue(), p.queueTimeout());
            UpstreamCluster cluster = side.cluster("app", p, MemberSide.loopback(a.port()), MemberSide.loopback(b.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals(503, sink.status, "the last member's answer, as nginx passes it");
            assertEquals("busy b", sink.bodyText());
            assertTrue(io(() -> sink.exchange.passesFailStatus()));
            for (MemberState m : cluster.members()) {
                assertEquals(1, m.outcomes(Outcome.Kind.FAIL_STATUS), m.toString());
                assertEquals(0, m.outcomes(Outcome.Kind.OK), m.toString());
            }
            assertCountedOnce(cluster);

            // A POST is not sent on: its member's 503 goes to the sink, counted all the same.
            MemberSide.Sink post = side.exchange(cluster, new MemberSide.Request(Methods.POST, "/"));
            assertEquals("end", post.await());
            assertEquals(503, post.status);
            assertEquals(0, post.attemptsFailed.size());
            assertEquals(3, cluster.members().get(0).outcomes(Outcome.Kind.FAIL_STATUS)
                    + cluster.members().get(1).outcomes(Outcome.Kind.FAIL_STATUS));
            assertCountedOnce(cluster);
        }
    }

    @Test
    void withoutFailOnA503IsAnAnswerLikeAnyOther() throws Exception {
        try (ScriptedMember a = ScriptedMember.start(answers(503, "busy"));
             ScriptedMember b = ScriptedMember.start(ScriptedMember.ok("from b"))) {
            UpstreamCluster cluster = side.cluster("app", DEFAULTS, MemberSide.loopback(a.port()),
                    MemberSide.loopback(b.port()));
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals(503, sink.status);
            assertEquals(0, b.connections());
            assertEquals(1, cluster.members().get(0).outcomes(Outcome.Kind.OK));
            assertFalse(io(() -> sink.exchange.passesFailStatus()));
        }
    }
}
