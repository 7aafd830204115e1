package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelPipe;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/** Bodies through a member exchange: a full sink holds the member back, request bodies stream up and are never sent twice, against scripted members, no client. */
class MemberExchangeBodiesTest extends MemberExchangeFixture {
    // ---- back-pressure

    @Test
    void aFullSinkHoldsTheMemberBackUntilResumedThenGetsTheWholeBodyInOrder() throws Exception {
        byte[] body = randomBytes(1 << 20, 1);
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n");
            out.write(body);
            out.flush();
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            MemberSide.Sink sink = new MemberSide.Sink();
            sink.refuse = 2;
            // The short response timeout: holding back for the sink must not run the member's clock.
            side.exchange(cluster, MemberSide.Request.get("/"), SHORT, sink);

            awaitIo("the first refusal", () -> sink.refused == 1);
            int calls = calls(sink);
            Thread.sleep(SHORT.response() + 150); // longer than the member's clock: a stall would show
            assertEquals(calls, calls(sink), "nothing more for the sink before it resumes");
            assertEquals(0, io(() -> sink.body.size()));
            assertFalse(sink.done.isDone(), "no end and no timeout while the sink holds the member back");

            side.onIoThread(() -> {
                sink.exchange.resume();
                return null;
            });
            awaitIo("the second refusal", () -> sink.refused == 2);
            calls = calls(sink);
            Thread.sleep(50);
            assertEquals(calls, calls(sink), "held again after the second refusal");
            assertEquals(0, io(() -> sink.body.size()));

            side.onIoThread(() -> {
                sink.exchange.resume();
                return null;
            });
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray());
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.failures());
            assertEquals(1, side.idle(state));
        }
    }

    @Test
    void aSinkThatTakesPartOfEachPieceGetsAChunkedBodyWholeAndInOrder() throws Exception {
        byte[] body = randomBytes(1 << 20, 2);
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            Random sizes = new Random(3);
            int at = 0;
            while (at < body.length) {
                int n = Math.min(body.length - at, 1 + sizes.nextInt(20_000));
                write(out, Integer.toHexString(n) + (n % 3 == 0 ? ";ext=" + n : "") + "\r\n");
                out.write(body, at, n);
                write(out, "\r\n");
                at += n;
            }
            write(out, "0\r\n\r\n");
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            // Takes at most 1000 bytes a call, and asks for more a loop turn later, as a slow client would.
            MemberSide.Sink sink = new MemberSide.Sink() {
                @Override
                public boolean body(ByteBuffer chunk) {
                    boolean all = super.body(chunk);
                    if (!all) {
                        side.ioThread().execute(() -> exchange.resume());
                    }
                    return all;
                }
            };
            sink.takeAtMost = 1000;
            side.exchange(cluster, MemberSide.Request.get("/"), MemberSide.TIMEOUTS, sink);
            assertEquals("end", sink.await());
            assertEquals(-1, sink.bodyLength);
            assertArrayEquals(body, sink.body.toByteArray());
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(1, side.idle(state));
        }
    }

    @Test
    void aSinkThatCannotFlushHoldsTheMemberBackUntilResumed() throws Exception {
        CountDownLatch more = new CountDownLatch(1);
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst");
            try {
                if (!more.await(10, TimeUnit.SECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                return false;
            }
            write(out, "-next");
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            // Cannot push out what it has once it holds the first part: the exchange must wait for it.
            AtomicInteger flushRefusals = new AtomicInteger();
            MemberSide.Sink sink = new MemberSide.Sink() {
                @Override
                public boolean flush() {
                    boolean flushed = super.flush();
                    return body.size() == 5 && flushRefusals.getAndIncrement() == 0 ? false : flushed;
                }
            };
            side.exchange(cluster, MemberSide.Request.get("/"), MemberSide.TIMEOUTS, sink);
            awaitIo("the refused flush", () -> flushRefusals.get() == 1);
            more.countDown();
            Thread.sleep(100); // time for the rest to come, had the exchange not held the member back
            assertEquals("first", io(sink::bodyText));
            assertFalse(sink.done.isDone());
            side.onIoThread(() -> {
                sink.exchange.resume();
                return null;
            });
            assertEquals("end", sink.await());
            assertEquals("first-next", sink.bodyText());
        }
    }

    // ---- request bodies

    @Test
    void aRequestBodyWithALengthGoesUpWholeAndItsConnectionIsKept() throws Exception {
        // Several buffers' worth, all in the pipe with its end before the exchange starts: the upload
        // reads it to its end in one go, as it would a client's body of known length (whose channel says
        // it ended right after its last byte). See aLongRequestBodyWithALengthStreamsUpWhole.
        byte[] body = randomBytes(48 * 1024, 4);
        try (ScriptedMember m = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), body, true);
            MemberSide.Request request = new MemberSide.Request(Methods.POST, "/echo").body(pipe.getLeftSide(), body.length);
            MemberSide.Sink sink = side.exchange(cluster, request);
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray());
            ScriptedMember.Request seen = m.requests().get(0);
            assertEquals(Integer.toString(body.length), seen.header("Content-Length"));
            assertNull(seen.header("Transfer-Encoding"));
            assertTrue(io(() -> sink.exchange.requestSent()));
            assertEquals(1, request.bodyOpened);
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(1, side.idle(state));
        }
    }

    @Test
    void aLongRequestBodyWithALengthStreamsUpWhole() throws Exception {
        byte[] body = randomBytes(1 << 20, 6);
        try (ScriptedMember m = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Request request = new MemberSide.Request(Methods.POST, "/echo").body(pipe.getLeftSide(), body.length);
            MemberSide.Sink sink = side.exchange(cluster, request);
            feed(pipe.getRightSide(), body, true);
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray());
            assertEquals(Integer.toString(body.length), m.requests().get(0).header("Content-Length"));
            // Whether the connection is kept is not asserted: the pipe's end comes after its last byte,
            // and the member may answer in between (an answer before the body's end: not kept).
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aRequestBodyOfUnknownLengthGoesUpInWellFormedChunks() throws Exception {
        byte[] body = randomBytes(200_000, 5);
        try (ScriptedMember m = ScriptedMember.start(echo())) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Request request = new MemberSide.Request(Methods.POST, "/echo").body(pipe.getLeftSide(), -1);
            MemberSide.Sink sink = side.exchange(cluster, request);
            feed(pipe.getRightSide(), body, true);
            assertEquals("end", sink.await());
            assertArrayEquals(body, sink.body.toByteArray(), "the member read well-formed chunks holding the body");
            ScriptedMember.Request seen = m.requests().get(0);
            assertEquals("chunked", seen.header("Transfer-Encoding"));
            assertNull(seen.header("Content-Length"));
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(1, side.idle(state));
        }
    }

    @Test
    void aRequestWithABodyIsNeverRetriedEvenWhenIdempotent() throws Exception {
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
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), "twelve bytes".getBytes(StandardCharsets.ISO_8859_1), true); // fits the pipe
            MemberSide.Request put = new MemberSide.Request(Methods.PUT, "/").body(pipe.getLeftSide(), 12);
            assertTrue(put.idempotent());
            MemberSide.Sink sink = side.exchange(cluster, put);
            assertEquals("failed BROKEN", sink.await());
            assertEquals(1, m.connections(), "not sent again on a fresh connection");
            assertEquals(1, put.bodyOpened);
            assertEquals(1, state.outcomes(Outcome.Kind.BROKEN));
            assertEquals(2, state.requests());
        }
    }

    @Test
    void anEarlyAnswerBeforeTheBodyIsPassedOnAndItsConnectionIsNotKept() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        // Answers without reading the body and without saying it will close, and waits: only the
        // exchange knows the body was cut short, so only the exchange can tell not to keep it.
        ScriptedMember.Script script = answerThenAwaitClose(
                "HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\n\r\ntoo large", closed);
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), new byte[1000], false); // of a megabyte announced: the rest never comes
            MemberSide.Request request = new MemberSide.Request(Methods.POST, "/upload").body(pipe.getLeftSide(), 1 << 20);
            MemberSide.Sink sink = side.exchange(cluster, request);
            assertEquals("end", sink.await());
            assertEquals(413, sink.status);
            assertEquals("too large", sink.bodyText());
            assertFalse(io(() -> sink.exchange.requestSent()));
            assertEquals(0, side.idle(state));
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the member saw its connection closed");
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void anEarlyAnswerFromAMemberThatClosesWhileTheBodyStreamsIsPassedOnNotFailed() throws Exception {
        CountDownLatch bodyFlowing = new CountDownLatch(1);
        ScriptedMember.Script script = (request, in, out) -> {
            ScriptedMember.readBytes(in, 1); // the body is on its way; the member reads no more of it
            try {
                bodyFlowing.await(10, TimeUnit.SECONDS); // until the upload has filled what it can
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            write(out, "HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 9\r\n\r\ntoo large");
            return false; // closes with the body unread
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            int length = 64 << 20;
            MemberSide.Request request = new MemberSide.Request(Methods.POST, "/upload").body(pipe.getLeftSide(), length);
            MemberSide.Sink sink = side.exchange(cluster, request);
            Thread feeder = feedInBackground(pipe.getRightSide(), length, sink.done::isDone, bodyFlowing);
            assertEquals("end", sink.await());
            feeder.join(10_000);
            assertEquals(413, sink.status);
            assertEquals("too large", sink.bodyText());
            assertEquals(0, side.idle(state));
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(1, endings(sink));
        }
    }

    @Test
    void interimAnswersWhileTheBodyGoesUpAreReadPast() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            write(out, "HTTP/1.1 100 Continue\r\n\r\n");
            byte[] body = ScriptedMember.readBytes(in, Integer.parseInt(request.header("Content-Length")));
            write(out, "HTTP/1.1 201 Created\r\nContent-Length: " + body.length + "\r\n\r\n");
            out.write(body);
            out.flush();
            return true;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), "the body".getBytes(StandardCharsets.ISO_8859_1), true);
            MemberSide.Sink sink = side.exchange(cluster, new MemberSide.Request(Methods.POST, "/").body(pipe.getLeftSide(), 8));
            assertEquals("end", sink.await());
            assertEquals(201, sink.status);
            assertEquals("the body", sink.bodyText());
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(1, side.idle(state));
        }
    }

    @Test
    void aMemberThatTakesTheBodyAndNeverAnswersTimesOutWaitingForTheHead() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            ScriptedMember.readBytes(in, Integer.parseInt(request.header("Content-Length")));
            return awaitClose(in);
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), "the body".getBytes(StandardCharsets.ISO_8859_1), true);
            MemberSide.Sink sink = side.exchange(cluster, new MemberSide.Request(Methods.POST, "/").body(pipe.getLeftSide(), 8),
                    SHORT, new MemberSide.Sink());
            assertEquals("failed HEAD_TIMEOUT", sink.await());
            assertTrue(io(() -> sink.exchange.requestSent()));
            assertEquals(1, state.outcomes(Outcome.Kind.HEAD_TIMEOUT));
            assertEquals(1, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aMemberThatTakesNoneOfTheBodyTimesOutWaitingForTheHead() throws Exception {
        ScriptedMember.Script script = (request, in, out) -> {
            try {
                Thread.sleep(10_000); // reads nothing of the body
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            int length = 64 << 20;
            MemberSide.Sink sink = new MemberSide.Sink();
            side.exchange(cluster, new MemberSide.Request(Methods.POST, "/").body(pipe.getLeftSide(), length), SHORT, sink);
            Thread feeder = feedInBackground(pipe.getRightSide(), length, sink.done::isDone, new CountDownLatch(1));
            assertEquals("failed HEAD_TIMEOUT", sink.await());
            feeder.join(10_000);
            assertFalse(io(() -> sink.exchange.requestSent()));
            assertEquals(1, state.outcomes(Outcome.Kind.HEAD_TIMEOUT));
            assertEquals(1, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aRequestBodyThatStopsArrivingIsNotTheMembersFault() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        ScriptedMember.Script script = answerThenAwaitClose("", closed);
        try (ScriptedMember m = ScriptedMember.start(script)) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), new byte[1000], false); // of a megabyte: the rest never comes
            MemberSide.Request request = new MemberSide.Request(Methods.POST, "/").body(pipe.getLeftSide(), 1 << 20);
            long t0 = System.nanoTime();
            MemberSide.Sink sink = side.exchange(cluster, request, new ProxyTimeouts(2_000, 2_000, 300), new MemberSide.Sink());
            assertEquals("failed REQUEST_BODY_TIMEOUT", sink.await());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300));
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the member saw its connection closed");
            assertEquals(1, state.outcomes(Outcome.Kind.REQUEST_BODY_TIMEOUT));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
        }
    }

    @Test
    void aRequestBodyThatCannotBeReadIsNotTheMembersFault() throws Exception {
        try (ScriptedMember m = ScriptedMember.start((request, in, out) -> awaitClose(in))) {
            UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
            MemberState state = cluster.members().get(0);
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> lost = pipe();
            MemberSide.Request unopenable = new MemberSide.Request(Methods.POST, "/").body(lost.getLeftSide(), 10);
            unopenable.bodyLost = true;
            MemberSide.Sink first = side.exchange(cluster, unopenable);
            assertEquals("failed REQUEST_BODY_FAILED", first.await());
            assertEquals(1, unopenable.bodyOpened);

            // The first read gives the bytes there are, the next fails: the client broke off mid-body.
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> broken = pipe();
            feed(broken.getRightSide(), "five!".getBytes(StandardCharsets.ISO_8859_1), false);
            MemberSide.Sink second = side.exchange(cluster,
                    new MemberSide.Request(Methods.POST, "/").body(failingAfterFirstRead(broken.getLeftSide()), 10));
            assertEquals("failed REQUEST_BODY_FAILED", second.await());

            assertEquals(2, state.outcomes(Outcome.Kind.REQUEST_BODY_FAILED));
            assertEquals(0, state.failures());
            assertEquals(0, state.active());
            assertEquals(0, side.idle(state));
        }
    }
}
