package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelPipe;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * A request body of known length reaches the member with exactly that length or not whole: a client's
 * body that reads longer or ends shorter (an HTTP/2 {@code content-length} its DATA frames contradict)
 * fails the exchange and closes the member's connection before the member has a complete request, and
 * the body's last byte waits for the client's end. The client here is a pipe, the member a socket
 * that records how much of the body it got.
 */
class RequestBodyLengthTest extends MemberExchangeFixture {

    /** A member that reads the body its Content-Length announces and says whether it got it whole. */
    static final class RecordingMember {
        final AtomicInteger bodyBytes = new AtomicInteger();
        final CompletableFuture<String> verdict = new CompletableFuture<>();

        ScriptedMember.Script script() {
            return (request, in, out) -> {
                int length = Integer.parseInt(request.header("Content-Length"));
                if (!readBody(in, length)) {
                    return false;
                }
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                return true;
            };
        }

        private boolean readBody(InputStream in, int length) throws IOException {
            for (int n = 0; n < length; n++) {
                if (in.read() < 0) {
                    verdict.complete("closed after " + n + " of " + length);
                    return false;
                }
                bodyBytes.incrementAndGet();
            }
            verdict.complete("complete");
            return true;
        }

        String await() throws Exception {
            return verdict.get(10, TimeUnit.SECONDS);
        }
    }

    private MemberSide.Sink post(ScriptedMember m, StreamSourceChannel body, long length) throws Exception {
        UpstreamCluster cluster = side.cluster("app", MemberSide.loopback(m.port()));
        return side.exchange(cluster, new MemberSide.Request(Methods.POST, "/up").body(body, length));
    }

    @Test
    void aBodyLongerThanItsLengthNeverReachesTheMemberWhole() throws Exception {
        RecordingMember member = new RecordingMember();
        try (ScriptedMember m = ScriptedMember.start(member.script())) {
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            feed(pipe.getRightSide(), "twelve bytes".getBytes(), true);
            MemberSide.Sink sink = post(m, pipe.getLeftSide(), 5);
            assertEquals("failed REQUEST_BODY_FAILED", sink.await());
            assertEquals("closed after 0 of 5", member.await());
        }
    }

    @Test
    void aBodyEndingShortOfItsLengthClosesTheMemberConnectionAtOnce() throws Exception {
        RecordingMember member = new RecordingMember();
        try (ScriptedMember m = ScriptedMember.start(member.script())) {
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Sink sink = post(m, pipe.getLeftSide(), 5);
            feed(pipe.getRightSide(), "abc".getBytes(), true);
            // Not a HEAD_TIMEOUT: the member is not left waiting for bytes that will never come.
            assertEquals("failed REQUEST_BODY_FAILED", sink.await());
            assertEquals("closed after 3 of 5", member.await());
        }
    }

    @Test
    void theLastByteWaitsForTheClientsEndAndAByteMoreThenFailsTheRequest() throws Exception {
        RecordingMember member = new RecordingMember();
        try (ScriptedMember m = ScriptedMember.start(member.script())) {
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Sink sink = post(m, pipe.getLeftSide(), 5);
            feed(pipe.getRightSide(), "abcde".getBytes(), false);
            awaitCondition("four bytes at the member", () -> member.bodyBytes.get() == 4);
            feed(pipe.getRightSide(), "f".getBytes(), true);
            assertEquals("failed REQUEST_BODY_FAILED", sink.await());
            assertEquals("closed after 4 of 5", member.await());
        }
    }

    @Test
    void theLastByteGoesUpWhenTheClientsBodyEndsOnTime() throws Exception {
        RecordingMember member = new RecordingMember();
        try (ScriptedMember m = ScriptedMember.start(member.script())) {
            ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = pipe();
            MemberSide.Sink sink = post(m, pipe.getLeftSide(), 5);
            feed(pipe.getRightSide(), "abcde".getBytes(), false);
            awaitCondition("four bytes at the member", () -> member.bodyBytes.get() == 4);
            pipe.getRightSide().shutdownWrites();
            pipe.getRightSide().flush();
            assertEquals("end", sink.await());
            assertEquals("complete", member.await());
            assertEquals("ok", sink.body.toString());
        }
    }
}
