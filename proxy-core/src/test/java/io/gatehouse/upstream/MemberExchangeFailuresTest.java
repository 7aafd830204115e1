package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xnio.IoUtils;

/** How a member exchange ends when a member refuses, stalls or breaks HTTP, or its caller gives up: one outcome per attempt, against scripted members, no client. */
class MemberExchangeFailuresTest extends MemberExchangeFixture {
    // ---- connecting

    @Test
    void aMemberThatRefusesIsSkippedForTheNextAndCountedOnce() throws Exception {
        try (ScriptedMember m = ScriptedMember.start(ScriptedMember.ok("from the second"))) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(refusedPort()), MemberSide.loopback(m.port()));
            MemberState refusing = cluster.members().get(0);
            MemberState answering = cluster.members().get(1);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals("from the second", sink.bodyText());
            assertEquals(1, refusing.outcomes(Outcome.Kind.CONNECT_FAILED));
            assertEquals(1, refusing.failures());
            assertEquals(1, refusing.requests());
            assertEquals(0, refusing.active());
            assertEquals(1, answering.outcomes(Outcome.Kind.OK));
            assertEquals(0, answering.failures());
            assertEquals(1, answering.requests());
            assertEquals(0, answering.active());
            // The sink hears of the refused attempt once, before the answer: the error log's one line.
            assertEquals(1, sink.attemptsFailed.size());
            Outcome refused = sink.attemptsFailed.get(0);
            assertEquals(Outcome.Kind.CONNECT_FAILED, refused.kind());
            assertSame(refusing, refused.member());
            assertEquals("connect() refused", refused.reason());
            assertEquals(List.of(0), sink.callsBeforeAttemptFailed);
        }
    }

    @Test
    void whenEveryMemberRefusesTheSinkHearsConnectFailedAndEachMemberCountsOne() throws Exception {
        UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(refusedPort()), MemberSide.loopback(refusedPort()));
        MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
        assertEquals("failed CONNECT_FAILED", sink.await());
        assertEquals(-1, sink.status);
        assertEquals("connect() refused", sink.failure.reason());
        assertTrue(cluster.members().contains(sink.failure.member()));
        // Each failed attempt reaches the sink once: the first as taken over from, the last as the failure.
        assertEquals(1, sink.attemptsFailed.size());
        assertNotSame(sink.failure.member(), sink.attemptsFailed.get(0).member());
        for (MemberState state : cluster.members()) {
            assertEquals(1, state.outcomes(Outcome.Kind.CONNECT_FAILED), state.toString());
            assertEquals(1, state.failures(), state.toString());
            assertEquals(1, state.requests(), state.toString());
            assertEquals(0, state.active(), state.toString());
        }
        assertEquals(1, endings(sink));
    }

    @Test
    void aMemberThatDoesNotAcceptInTimeIsAConnectTimeout() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket()) {
            full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            // Fill its accept queue (it never accepts) until a connection is held back.
            boolean heldBack = false;
            for (int i = 0; i < 16 && !heldBack; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                } catch (SocketTimeoutException e) {
                    heldBack = true;
                }
            }
            assumeTrue(heldBack, "this system does not hold connections back from a full accept queue");
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(full.getLocalPort()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("failed CONNECT_TIMEOUT", sink.await());
            assertSame(state, sink.failure.member());
            assertEquals(1, state.outcomes(Outcome.Kind.CONNECT_TIMEOUT));
            assertEquals(1, state.failures());
            assertEquals(0, state.active());
        } finally {
            for (Socket s : fillers) {
                IoUtils.safeClose(s);
            }
        }
    }

    // ---- members that fail

    @Test
    void aMemberThatNeverAnswersTimesOutWaitingForTheHead() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        ScriptedMember.Script script = answerThenAwaitClose("", closed);
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            long t0 = System.nanoTime();
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("failed HEAD_TIMEOUT", sink.await());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(SHORT.response()),
                    "not before the response timeout");
            assertEquals(-1, sink.status);
            assertEquals(-1, sink.failure.toHeadNanos());
            assertSame(state, sink.failure.member());
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the member saw its connection closed");
            assertEquals(1, state.outcomes(Outcome.Kind.HEAD_TIMEOUT));
            assertEquals(1, state.failures());
            assertEquals(0, state.active());
            assertEquals(0, side.idle(state));
        }
    }

    @Test
    void aMalformedAnswerIsBrokenBeforeAnyHeadReachesTheSink() throws Exception {
        List<String> answers = List.of(
                "HELLO\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nX-Long: " + "x".repeat(20_000) + "\r\nContent-Length: 0\r\n\r\n");
        AtomicReference<String> answer = new AtomicReference<>();
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, answer.get());
            return awaitClose(in);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            for (String a : answers) {
                answer.set(a);
                MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
                assertEquals("failed BROKEN", sink.await(), a);
                assertNotNull(sink.failure.reason(), a);
                assertEquals(-1, sink.status, "no head before the failure: " + a);
                assertEquals(1, calls(sink), "the failure alone: " + a);
                assertEquals(-1, sink.failure.toHeadNanos(), a);
                assertEquals(0, side.idle(state), a);
            }
            assertEquals(answers.size(), m.connections());
            assertEquals(answers.size(), state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(answers.size(), state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aMalformedAnswerOnAKeptConnectionIsBrokenAndNotRetried() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (request.onConnection() == 1) {
                return ScriptedMember.ok("first").answer(request, in, out);
            }
            write(out, "HELLO\r\n\r\n");
            return false;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            MemberSide.Sink second = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("failed BROKEN", second.await());
            assertEquals(1, m.connections(), "a member that answered wrong is not asked again");
            assertEquals(1, state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
        }
    }

    @Test
    void aMemberThatClosesMidBodyBreaksTheAnswerAfterItsHeadAndItsConnectionIsGone() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (path(request).equals("/fixed")) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            } else {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n");
            }
            return false;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            for (String target : List.of("/fixed", "/chunked")) {
                MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get(target));
                assertEquals("failed BROKEN", sink.await(), target);
                assertEquals(200, sink.status, target);
                assertEquals("0123456789", sink.bodyText(), target);
                assertNotNull(sink.failure.reason(), target);
                assertTrue(sink.failure.toHeadNanos() >= 0, target);
                assertEquals(0, side.idle(state), target);
                assertEquals(1, endings(sink), target);
            }
            assertEquals(2, state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(2, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aBrokenChunkedBodyFailsTheAnswerAfterItsHead() throws Exception {
        List<String> bodies = List.of(
                "5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n",     // a size that is not hex
                "5\r\nhelloXX3\r\nabc\r\n0\r\n\r\n",          // no CRLF after a chunk's data
                "5\r\nhello\r\n3\nabc\r\n0\r\n\r\n",         // a size line ending in a bare LF
                "5\r\nhello\r\n0\r\nX-T: a\u0001b\r\n\r\n"); // a control character in a trailer
        AtomicReference<String> body = new AtomicReference<>();
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body.get());
            return awaitClose(in);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            for (String b : bodies) {
                body.set(b);
                MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
                String what = b.replace("\r", "\\r").replace("\n", "\\n");
                assertEquals("failed BROKEN", sink.await(), what);
                assertEquals(200, sink.status, what);
                assertEquals("hello", sink.bodyText(), what);
                assertNotNull(sink.failure.reason(), what);
                assertEquals(0, side.idle(state), what);
            }
            assertEquals(bodies.size(), state.outcomes(Outcome.Kind.BROKEN));
        }
    }

    @Test
    void aMemberThatStallsMidBodyTimesOutAfterTheResponseTimeout() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        ScriptedMember.Script script = answerThenAwaitClose(
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", closed);
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            long t0 = System.nanoTime();
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            assertEquals("failed BODY_TIMEOUT", sink.await());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(SHORT.response()));
            assertEquals(200, sink.status);
            assertEquals("0123456789", sink.bodyText());
            assertTrue(sink.failure.toHeadNanos() >= 0);
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the member saw its connection closed");
            assertEquals(1, state.outcomes(Outcome.Kind.BODY_TIMEOUT));
            assertEquals(1, state.failures());
            assertEquals(0, state.active());
            assertEquals(0, side.idle(state));
        }
    }

    // ---- the caller gives up

    @Test
    void cancellingMidBodyClosesTheMemberConnectionCountsNoFailureAndSilencesTheSink() throws Exception {
        CountDownLatch writeFailed = new CountDownLatch(1);
        try (ScriptedMember m = ScriptedMember.start(streaming(writeFailed))) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            awaitIo("some of the streamed body", () -> sink.body.size() >= 300);
            int calls = side.onIoThread(() -> {
                sink.exchange.cancel();
                return sink.calls;
            });
            assertTrue(writeFailed.await(10, TimeUnit.SECONDS), "the member saw its connection closed");
            assertEquals(calls, calls(sink), "the sink heard nothing after the cancel");
            assertEquals(0, endings(sink));
            assertTrue(io(() -> sink.exchange.isFinished()));
            assertEquals(1, state.outcomes(Outcome.Kind.CANCELLED));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
            assertEquals(1, state.requests());
            assertEquals(0, side.idle(state));
        }
    }

    @Test
    void cancellingBeforeTheHeadIsCountedOnceAndNoTimeoutFollows() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        ScriptedMember.Script script = answerThenAwaitClose("", closed);
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"), SHORT, new MemberSide.Sink());
            awaitCondition("the request at the member", () -> m.requests().size() == 1);
            side.onIoThread(() -> {
                sink.exchange.cancel();
                return null;
            });
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the member saw its connection closed");
            Thread.sleep(SHORT.response() + 150); // past the member's clock, had it kept running
            assertEquals(0, calls(sink));
            assertEquals(0, state.outcomes(Outcome.Kind.HEAD_TIMEOUT));
            assertEquals(1, state.outcomes(Outcome.Kind.CANCELLED));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aSinkThatGivesUpDuringTheHeadOrABodyPieceEndsTheExchangeCancelled() throws Exception {
        byte[] body = randomBytes(100_000, 7);
        CountDownLatch closedTwice = new CountDownLatch(2);
        ScriptedMember.Script script = (request, in, out) -> {
            try {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + (body.length * 10) + "\r\n\r\n");
                for (int i = 0; i < 10; i++) {
                    out.write(body);
                    out.flush();
                }
                awaitClose(in);
            } catch (IOException e) {
                // closed by Gatehouse while answering
            }
            closedTwice.countDown();
            return false;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            GivingUp inHead = new GivingUp(true);
            GivingUp inBody = new GivingUp(false);
            for (GivingUp sink : List.of(inHead, inBody)) {
                side.exchange(cluster, MemberSide.Request.get("/"), MemberSide.TIMEOUTS, sink);
                awaitIo("the sink giving up", () -> sink.exchange.isFinished());
            }
            assertTrue(closedTwice.await(10, TimeUnit.SECONDS), "the member saw both connections closed");
            assertEquals(1, calls(inHead), "the head, then nothing");
            assertEquals(0, io(() -> inHead.body.size()));
            assertTrue(io(() -> inBody.body.size()) > 0);
            assertEquals(io(() -> inBody.callsAtCancel), calls(inBody), "nothing after the body piece it gave up in");
            assertEquals(0, endings(inHead) + endings(inBody));
            assertEquals(2, state.outcomes(Outcome.Kind.CANCELLED));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
            assertEquals(0, side.idle(state));
        }
    }

    // ---- one outcome per attempt

    @Test
    void everyAttemptEndsWithExactlyOneOutcome() throws Exception {
        CountDownLatch streamWriteFailed = new CountDownLatch(1);
        ScriptedMember.Script streaming = streaming(streamWriteFailed);
        ScriptedMember.Script script = (request, in, out) -> {
            switch (path(request)) {
                case "/chunked" -> write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
                case "/garbage" -> {
                    write(out, "HELLO\r\n\r\n");
                    return false;
                }
                case "/cut" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
                    return false;
                }
                case "/silent" -> {
                    return awaitClose(in);
                }
                case "/stall" -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
                    return awaitClose(in);
                }
                case "/stream" -> {
                    return streaming.answer(request, in, out);
                }
                case "/upgrade" -> {
                    write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
                    return awaitClose(in);
                }
                case "/stale" -> {
                    if (request.onConnection() > 1) {
                        return false;
                    }
                    return ScriptedMember.ok("fresh").answer(request, in, out);
                }
                default -> {
                    return ScriptedMember.ok("ok").answer(request, in, out);
                }
            }
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            // Round robin from the first: every exchange tries the refusing member, then the scripted one
            // (passive health off, so that neither is taken out by the failures this test makes).
            UpstreamCluster cluster = side.cluster("app", MemberSide.NO_PASSIVE_HEALTH, MemberSide.loopback(refusedPort()),
                    MemberSide.loopback(m.port()));
            MemberState refusing = cluster.members().get(0);
            MemberState state = cluster.members().get(1);

            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/ok")).await());
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/chunked")).await());
            assertEquals("failed BROKEN", side.exchange(cluster, MemberSide.Request.get("/garbage")).await());
            assertEquals("failed BROKEN", side.exchange(cluster, MemberSide.Request.get("/cut")).await());
            assertEquals("failed HEAD_TIMEOUT",
                    side.exchange(cluster, MemberSide.Request.get("/silent"), SHORT, new MemberSide.Sink()).await());
            assertEquals("failed BODY_TIMEOUT",
                    side.exchange(cluster, MemberSide.Request.get("/stall"), SHORT, new MemberSide.Sink()).await());
            MemberSide.Sink stream = side.exchange(cluster, MemberSide.Request.get("/stream"));
            awaitIo("some of the streamed body", () -> stream.body.size() > 0);
            side.onIoThread(() -> {
                stream.exchange.cancel();
                return null;
            });
            assertTrue(streamWriteFailed.await(10, TimeUnit.SECONDS));
            MemberSide.Sink upgraded = side.exchange(cluster, upgrade("websocket"));
            assertEquals("switched", upgraded.await());
            closeAfter.add(upgraded.switchedTo);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/ok")).await());
            assertEquals(1, side.idle(state));
            MemberSide.Sink stale = side.exchange(cluster, MemberSide.Request.get("/stale"));
            assertEquals("end", stale.await());
            assertEquals("fresh", stale.bodyText());
            int exchanges = 10;

            assertEquals(exchanges, refusing.outcomes(Outcome.Kind.CONNECT_FAILED));
            assertEquals(exchanges, refusing.failures());
            assertEquals(exchanges, sumOfOutcomes(refusing));
            assertEquals(exchanges, refusing.requests());
            assertEquals(0, refusing.active());

            assertEquals(5, state.outcomes(Outcome.Kind.OK));
            assertEquals(2, state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(1, state.outcomes(Outcome.Kind.HEAD_TIMEOUT));
            assertEquals(1, state.outcomes(Outcome.Kind.BODY_TIMEOUT));
            assertEquals(1, state.outcomes(Outcome.Kind.CANCELLED));
            assertEquals(4, state.failures());
            assertEquals(exchanges, sumOfOutcomes(state));
            assertEquals(exchanges, state.requests());
            assertEquals(0, state.active());
        }
    }
}
