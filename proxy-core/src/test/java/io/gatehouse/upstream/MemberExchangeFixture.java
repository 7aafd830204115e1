package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.upstream.http1.ResponseHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.xnio.ChannelPipe;
import org.xnio.IoUtils;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/** What the member exchange tests share: the member side on an IO thread of its own, scripts, pipes for request bodies, bounded waits. */
abstract class MemberExchangeFixture {
    /** Short enough for a test to wait one out: the member's clock. */
    static final ProxyTimeouts SHORT = new ProxyTimeouts(300, 2_000, 2_000);
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    MemberSide side;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void start() {
        side = MemberSide.start();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : closeAfter) {
            IoUtils.safeClose(c);
        }
        side.close();
    }

    // ---- helpers

    /** A sink that gives up (its client left) in its head call, or in its first body call. */
    static final class GivingUp extends MemberSide.Sink {
        private final boolean inHead;
        int callsAtCancel = -1;

        GivingUp(boolean inHead) {
            this.inHead = inHead;
        }

        @Override
        public void head(ResponseHead head, long length) {
            super.head(head, length);
            if (inHead) {
                giveUp();
            }
        }

        @Override
        public boolean body(ByteBuffer chunk) {
            super.body(chunk);
            giveUp();
            return false;
        }

        private void giveUp() {
            callsAtCancel = calls;
            exchange.cancel();
        }
    }

    static long sumOfOutcomes(MemberState state) {
        return Arrays.stream(Outcome.Kind.values()).mapToLong(state::outcomes).sum();
    }

    static MemberSide.Request upgrade(String offer) {
        MemberSide.Request request = MemberSide.Request.get("/upgrade")
                .header("Connection", "Upgrade")
                .header("Upgrade", offer);
        request.upgradeOffer = offer;
        return request;
    }

    /** A port on 127.0.0.1 where nothing listens: bound, noted, closed. */
    static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    static String path(ScriptedMember.Request request) {
        return request.requestLine().split(" ")[1];
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Lets the bytes just written go out in a segment of their own. */
    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads and drops whatever comes until the other side closes (or the scripted member does); false,
     * so the script closes too.
     */
    static boolean awaitClose(InputStream in) {
        byte[] drop = new byte[8192];
        try {
            while (in.read(drop) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // reset: closed all the same
        }
        return false;
    }

    /**
     * Answers with {@code raw} (nothing when empty), then waits for Gatehouse to close the connection and
     * counts {@code closed} down: the member never closes first, so a close it sees is Gatehouse's.
     */
    static ScriptedMember.Script answerThenAwaitClose(String raw, CountDownLatch closed) {
        return (request, in, out) -> {
            if (!raw.isEmpty()) {
                write(out, raw);
            }
            awaitClose(in);
            closed.countDown();
            return false;
        };
    }

    /** A long body sent slowly (100 bytes every 10 ms, at most 10 s); a failed write counts {@code writeFailed} down. */
    static ScriptedMember.Script streaming(CountDownLatch writeFailed) {
        return (request, in, out) -> {
            byte[] piece = new byte[100];
            Arrays.fill(piece, (byte) 's');
            try {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n");
                for (int i = 0; i < 1000; i++) {
                    out.write(piece);
                    out.flush();
                    Thread.sleep(10);
                }
            } catch (IOException e) {
                writeFailed.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
    }

    /** Reads the request body (a length or chunks, strictly) and answers 200 with it. */
    static ScriptedMember.Script echo() {
        return (request, in, out) -> {
            String length = request.header("Content-Length");
            byte[] body = "chunked".equals(request.header("Transfer-Encoding"))
                    ? readChunkedStrictly(in)
                    : ScriptedMember.readBytes(in, Integer.parseInt(length));
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n");
            out.write(body);
            out.flush();
            return true;
        };
    }

    /** A chunked body as RFC 9112 §7.1 has it, with nothing optional: lowercase hex sizes, no extensions, no trailers. */
    static byte[] readChunkedStrictly(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int chunks = 0; chunks < 1_000_000; chunks++) {
            String size = readLine(in);
            if (!size.matches("[0-9a-f]{1,8}") || size.length() > 1 && size.charAt(0) == '0') {
                throw new IOException("malformed chunk size line: " + size);
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                if (!readLine(in).isEmpty()) {
                    throw new IOException("no empty line after the last chunk");
                }
                return body.toByteArray();
            }
            body.write(ScriptedMember.readBytes(in, n));
            if (!readLine(in).isEmpty()) {
                throw new IOException("no CRLF after a chunk's data");
            }
        }
        throw new IOException("too many chunks");
    }

    /** A line ending in CRLF (without it); a bare LF or CR, or a line over 64 bytes, is an error. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() <= 64) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the middle of a line");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("CR without LF");
                }
                return line.toString();
            }
            if (b == '\n') {
                throw new IOException("bare LF");
            }
            line.append((char) b);
        }
        throw new IOException("line too long");
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe() throws IOException {
        ChannelPipe<StreamSourceChannel, StreamSinkChannel> pipe = side.worker.createHalfDuplexPipe();
        closeAfter.add(pipe.getLeftSide());
        closeAfter.add(pipe.getRightSide());
        return pipe;
    }

    /** Writes {@code bytes} into the pipe from this thread (within 10 s), and ends it if {@code end}. */
    static void feed(StreamSinkChannel to, byte[] bytes, boolean end) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (buf.hasRemaining()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the exchange took " + buf.position() + " of " + bytes.length + " bytes");
            }
            Channels.writeBlocking(to, buf, 100, TimeUnit.MILLISECONDS);
        }
        if (end) {
            to.shutdownWrites();
        }
        assertTrue(Channels.flushBlocking(to, 10, TimeUnit.SECONDS));
    }

    /**
     * Writes {@code length} bytes into the pipe on a thread of its own, until {@code stop} (or 10 s);
     * counts {@code stalled} down once a write has waited 100 ms for the exchange to take more.
     */
    static Thread feedInBackground(StreamSinkChannel to, int length, BooleanSupplier stop, CountDownLatch stalled) {
        Thread feeder = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long left = length;
            long deadline = System.nanoTime() + WAIT_NANOS;
            try {
                while (left > 0 && !stop.getAsBoolean() && System.nanoTime() - deadline < 0) {
                    if (!buf.hasRemaining()) {
                        buf.clear();
                    }
                    buf.limit((int) Math.min(buf.capacity(), buf.position() + left));
                    int n = Channels.writeBlocking(to, buf, 100, TimeUnit.MILLISECONDS);
                    if (n == 0) {
                        stalled.countDown();
                    }
                    left -= n;
                }
            } catch (IOException e) {
                // the pipe closed under the feeder: the test is over
            } finally {
                stalled.countDown();
            }
        }, "body-feeder");
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    /** {@code channel}, whose reads after the first fail as when the client breaks off. */
    static StreamSourceChannel failingAfterFirstRead(StreamSourceChannel channel) {
        AtomicInteger reads = new AtomicInteger();
        return (StreamSourceChannel) Proxy.newProxyInstance(MemberExchangeFixture.class.getClassLoader(),
                new Class<?>[] {StreamSourceChannel.class}, (proxy, method, args) -> {
                    if (method.getName().equals("read") && reads.incrementAndGet() > 1) {
                        throw new IOException("the client broke off");
                    }
                    try {
                        return method.invoke(channel, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    <T> T io(Callable<T> task) {
        return side.onIoThread(task);
    }

    int calls(MemberSide.Sink sink) {
        return io(() -> sink.calls);
    }

    int endings(MemberSide.Sink sink) {
        return io(() -> sink.endings);
    }

    /** Waits (10 s at most) until {@code condition}, checked on the IO thread, holds. */
    void awaitIo(String what, Callable<Boolean> condition) throws InterruptedException {
        awaitCondition(what, () -> io(condition));
    }

    /** Waits (10 s at most) until {@code condition} holds. */
    static void awaitCondition(String what, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                throw new AssertionError("checking for " + what, e);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited 10 s for " + what);
            }
            Thread.sleep(5);
        }
    }
}
