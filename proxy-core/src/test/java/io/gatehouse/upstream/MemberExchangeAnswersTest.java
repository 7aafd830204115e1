package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xnio.StreamConnection;
import org.xnio.channels.Channels;

/** A member exchange reads answers as their framing says, keeps what may be kept, and hands over a switched connection: against scripted members, no client. */
class MemberExchangeAnswersTest extends MemberExchangeFixture {
    // ---- answers and their framing

    @Test
    void aWholeAnswerReachesTheSinkAndItsConnectionIsKeptForTheNext() throws Exception {
        try (ScriptedMember m = ScriptedMember.start(ScriptedMember.ok("hello"))) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/a"));
            assertEquals("end", first.await());
            assertEquals(200, first.status);
            assertEquals(5, first.bodyLength);
            assertEquals("hello", first.bodyText());
            MemberState state = cluster.members().get(0);
            assertEquals(1, side.idle(state));
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/b")).await());
            assertEquals(1, m.connections(), "the second request went on the kept connection");
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.active());
            assertTrue(state.lastToHeadNanos() >= 0 && state.lastToEndNanos() >= state.lastToHeadNanos());
        }
    }

    @Test
    void aChunkedAnswerIsDecodedWithoutItsExtensionsAndTrailersAndItsConnectionIsKept() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (path(request).equals("/chunked")) {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n");
                write(out, "7\r\n, world\r\n10 ; x=\"y\"\r\n and then some..\r\n0\r\nX-Checksum: abc\r\n\r\n");
                return true;
            }
            return ScriptedMember.ok("next").answer(request, in, out);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/chunked"));
            assertEquals("end", sink.await());
            assertEquals(200, sink.status);
            assertEquals(-1, sink.bodyLength, "a chunked body's length is known only at its end");
            assertEquals("hello, world and then some..", sink.bodyText());
            assertEquals(1, side.idle(state));

            // Had a byte of the trailers been left unread, it would spoil the next answer on the connection.
            MemberSide.Sink next = side.exchange(cluster, MemberSide.Request.get("/next"));
            assertEquals("end", next.await());
            assertEquals("next", next.bodyText());
            assertEquals(1, m.connections());
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.failures());
        }
    }

    @Test
    void anAnswerWithNeitherLengthNorChunksLastsUntilTheMemberClosesAndItsConnectionIsNotKept() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
            write(out, "the member ");
            write(out, "closes");
            return false;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals(-1, sink.bodyLength);
            assertEquals("until the member closes", sink.bodyText());
            assertEquals(0, side.idle(state));
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            assertEquals(2, m.connections(), "the second request needed a connection of its own");
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
        }
    }

    @Test
    void headAnd204And304AnswersHaveNoBodyWhateverTheirLengthSaysAndKeepTheConnection() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            switch (path(request)) {
                case "/head" -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                case "/head-chunked" -> write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                case "/204" -> write(out, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n");
                case "/304" -> write(out, "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n");
                default -> {
                    return ScriptedMember.ok("after").answer(request, in, out);
                }
            }
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            List<MemberSide.Request> requests = List.of(new MemberSide.Request(Methods.HEAD, "/head"),
                    new MemberSide.Request(Methods.HEAD, "/head-chunked"),
                    MemberSide.Request.get("/204"), MemberSide.Request.get("/304"));
            for (MemberSide.Request request : requests) {
                MemberSide.Sink sink = side.exchange(cluster, request);
                assertEquals("end", sink.await(), request.target);
                assertEquals(0, sink.bodyLength, request.target);
                assertEquals("", sink.bodyText(), request.target);
                assertEquals(1, side.idle(state), request.target);
            }
            MemberSide.Sink after = side.exchange(cluster, MemberSide.Request.get("/after"));
            assertEquals("end", after.await());
            assertEquals("after", after.bodyText());
            assertEquals(1, m.connections(), "every answer left the connection clean for the next");
            assertEquals(5, state.outcomes(Outcome.Kind.OK));
        }
    }

    @Test
    void interimAnswersAreReadPastAndTheSinkSeesOnlyTheFinalHead() throws Exception {
        String interim100 = "HTTP/1.1 100 Continue\r\n\r\n";
        String interim103 = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
        String last = "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\n\r\nok";
        ScriptedMember.Script script = (request, in, out) -> {
            if (path(request).equals("/together")) {
                write(out, interim100 + interim103 + last);
            } else {
                // each in a read of its own
                write(out, interim100);
                pause();
                write(out, interim103);
                pause();
                write(out, last);
            }
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            for (String target : List.of("/together", "/apart")) {
                MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get(target));
                assertEquals("end", sink.await(), target);
                assertEquals(200, sink.status, target);
                assertEquals("yes", sink.header("X-Final"), target);
                assertNull(sink.header("Link"), target);
                assertEquals(List.of("X-Final: yes", "Content-Length: 2"), sink.headers, target);
                assertEquals("ok", sink.bodyText(), target);
                assertEquals(1, side.idle(state), target);
            }
            assertEquals(1, m.connections());
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
        }
    }

    @Test
    void aHeadThatComesInPiecesIsReadWholeShortOrLong() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            many.append("X-Field-").append(i).append(": ").append("v".repeat(40)).append("\r\n");
        }
        String longHead = "HTTP/1.1 200 OK\r\n" + many + "Content-Length: 4\r\n\r\n";
        assertTrue(longHead.length() > LoopState.FIRST_LOOK);
        ScriptedMember.Script script = (request, in, out) -> {
            if (path(request).equals("/short")) {
                write(out, "HTTP/1.1 2");
                pause();
                write(out, "00 OK\r\nContent-Len");
                pause();
                write(out, "gth: 4\r\n\r");
                pause();
                write(out, "\nbody");
            } else {
                int cut = LoopState.FIRST_LOOK - 7;
                write(out, longHead.substring(0, cut));
                pause();
                write(out, longHead.substring(cut) + "bo");
                pause();
                write(out, "dy");
            }
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            for (String target : List.of("/short", "/long")) {
                MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get(target));
                assertEquals("end", sink.await(), target);
                assertEquals(200, sink.status, target);
                assertEquals("body", sink.bodyText(), target);
                assertEquals(1, side.idle(state), target);
            }
            MemberSide.Sink last = side.exchange(cluster, MemberSide.Request.get("/long"));
            assertEquals("end", last.await());
            assertEquals(101, last.headers.size());
            assertEquals("v".repeat(40), last.header("X-Field-99"));
            assertEquals(3, state.outcomes(Outcome.Kind.OK));
        }
    }

    @Test
    void anAnswerThatDoesNotKeepItsConnectionHasItClosedNotPooled() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (path(request).equals("/close")) {
                write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye");
            } else {
                write(out, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nbye"); // 1.0 without keep-alive
            }
            return awaitClose(in); // the member would keep it: only the exchange closes it
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            for (String target : List.of("/close", "/http10")) {
                MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get(target));
                assertEquals("end", sink.await(), target);
                assertEquals("bye", sink.bodyText(), target);
                assertEquals(0, side.idle(state), target);
            }
            assertEquals(2, m.connections());
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
        }
    }

    @Test
    void anHttp10AnswerSayingKeepAliveKeepsItsConnection() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            assertEquals(1, side.idle(state));
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            assertEquals(1, m.connections());
        }
    }

    @Test
    void bytesBeyondTheFramedAnswerMakeItsConnectionUnfitToKeep() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokSURPLUS");
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("end", sink.await());
            assertEquals("ok", sink.bodyText());
            assertEquals(0, side.idle(state));
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
        }
    }

    // ---- kept-alive connections the member dropped

    @Test
    void aKeptConnectionTheMemberDroppedIsRetriedOnceOnAFreshOne() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (request.onConnection() > 1) {
                return false; // read the head, then closed without a word, as at the end of a keep-alive timeout
            }
            return ScriptedMember.ok("answer " + request.connection()).answer(request, in, out);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/first")).await());
            assertEquals(1, side.idle(state));
            MemberSide.Sink second = side.exchange(cluster, MemberSide.Request.get("/second"));
            assertEquals("end", second.await());
            assertEquals("answer 2", second.bodyText());
            assertEquals(2, m.connections());
            assertEquals(List.of("GET /first HTTP/1.1", "GET /second HTTP/1.1", "GET /second HTTP/1.1"),
                    m.requests().stream().map(ScriptedMember.Request::requestLine).toList());
            assertEquals(2, state.outcomes(Outcome.Kind.OK), "one outcome for the attempt, retry included");
            assertEquals(2, state.requests());
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aRetryThatFailsTooIsBrokenAndNotRetriedAgain() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (request.connection() > 1 || request.onConnection() > 1) {
                return false;
            }
            return ScriptedMember.ok("first").answer(request, in, out);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            MemberSide.Sink second = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("failed BROKEN", second.await());
            assertEquals(2, m.connections(), "one retry, no more");
            assertEquals(1, state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(1, state.failures());
            assertEquals(2, state.requests());
        }
    }

    @Test
    void aRequestThatIsNotIdempotentIsNotRetriedOnAKeptConnectionTheMemberDropped() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            if (request.onConnection() > 1) {
                return false;
            }
            return ScriptedMember.ok("first").answer(request, in, out);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            MemberSide.Sink post = side.exchange(cluster, new MemberSide.Request(Methods.POST, "/"));
            assertEquals("failed BROKEN", post.await());
            assertEquals(1, m.connections());
            assertEquals(1, state.outcomes(Outcome.Kind.BROKEN));
        }
    }

    @Test
    void aKeptConnectionTheMemberClosesWhileIdleLeavesThePool() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            ScriptedMember.ok("bye").answer(request, in, out);
            return false; // kept by the answer's framing, closed right after
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            awaitCondition("the closed connection to leave the pool", () -> side.idle(state) == 0);
            assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/")).await());
            assertEquals(2, m.connections());
            assertEquals(2, m.requests().size(), "no request went to the closed connection");
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.failures());
        }
    }

    // ---- protocol switches

    @Test
    void aSwitchToTheOfferedProtocolHandsOverTheConnectionWithItsEarlyBytes() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nEARLY");
            byte[] ping = ScriptedMember.readBytes(in, 4);
            out.write(ping);
            out.flush();
            return awaitClose(in);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, upgrade("websocket"));
            assertEquals("switched", sink.await());
            assertEquals(101, sink.status);
            assertEquals("EARLY", StandardCharsets.ISO_8859_1.decode(sink.early).toString());
            StreamConnection tunnel = sink.switchedTo;
            closeAfter.add(tunnel);
            assertTrue(tunnel.isOpen());
            assertEquals("websocket", m.requests().get(0).header("Upgrade"));

            // The connection is the sink's now, and still talks to the member.
            ByteBuffer ping = ByteBuffer.wrap("PING".getBytes(StandardCharsets.ISO_8859_1));
            Channels.writeBlocking(tunnel.getSinkChannel(), ping, 10, TimeUnit.SECONDS);
            assertTrue(Channels.flushBlocking(tunnel.getSinkChannel(), 10, TimeUnit.SECONDS));
            ByteBuffer echoed = ByteBuffer.allocate(4);
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (echoed.hasRemaining() && System.nanoTime() - deadline < 0) {
                if (Channels.readBlocking(tunnel.getSourceChannel(), echoed, 100, TimeUnit.MILLISECONDS) < 0) {
                    break;
                }
            }
            assertEquals("PING", new String(echoed.array(), 0, echoed.position(), StandardCharsets.ISO_8859_1));

            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
            assertEquals(0, side.idle(state), "a switched connection is never pooled");
        }
    }

    @Test
    void aSwitchToAProtocolNotOfferedIsBroken() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
            return awaitClose(in);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, upgrade("websocket"));
            assertEquals("failed BROKEN", sink.await());
            assertEquals(-1, sink.status);
            assertNull(sink.switchedTo);
            assertNotNull(sink.failure.reason());
            assertEquals(1, state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(0, side.idle(state));
        }
    }

    @Test
    void aSwitchNobodyAskedForIsBroken() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            return awaitClose(in);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = side.exchange(cluster, MemberSide.Request.get("/"));
            assertEquals("failed BROKEN", sink.await());
            assertEquals(-1, sink.status);
            assertNull(sink.switchedTo);
            assertNotNull(sink.failure.reason());
            assertEquals(1, state.outcomes(Outcome.Kind.BROKEN));
        }
    }
}
