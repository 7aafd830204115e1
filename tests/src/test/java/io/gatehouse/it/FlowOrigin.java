package io.gatehouse.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

/**
 * An origin on 127.0.0.1 for the response cache's flow tests: it counts the requests for each target
 * (the count is what the tests assert) and answers each target as a test scripted it, with the
 * deterministic bodies of {@link #bodyByte}, so that a client can tell a whole, correct body from
 * anything else. Built on {@link RawMember}, so a script writes the answer's bytes itself and may hold
 * them back.
 */
final class FlowOrigin implements AutoCloseable {
    /** Fresh for ten minutes: stored, and a hit afterwards. */
    static final String FRESH = "Cache-Control: max-age=600";

    /** Answers one request for a target; the connection closes after it unless it returns true. */
    @FunctionalInterface
    interface Answer {
        boolean answer(String head, OutputStream out) throws IOException;
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final RawMember member;

    private FlowOrigin() throws IOException {
        member = RawMember.start((target, head, in, out) -> {
            counts.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
            Answer a = answers.get(target);
            if (a == null) {
                out.write(RawMember.latin1("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nCache-Control: no-store\r\n\r\n"));
                return true;
            }
            return a.answer(head, out);
        });
    }

    static FlowOrigin start() throws IOException {
        return new FlowOrigin();
    }

    /** Scripts the answer to {@code target} (path and query, as the request line has it). */
    FlowOrigin on(String target, Answer answer) {
        answers.put(target, answer);
        return this;
    }

    /** Answers {@code target} at once with a 200 of {@code size} body bytes and the given extra fields. */
    FlowOrigin serve(String target, int size, String... fields) {
        return on(target, whole(target, size, fields));
    }

    /** A 200 of {@code size} bytes of {@code target}'s body with a {@code Content-Length}, and the fields given. */
    static Answer whole(String target, long size, String... fields) {
        return (head, out) -> {
            writeHead(out, 200, size, fields);
            writeBody(out, target, 0, size);
            return true;
        };
    }

    /** As {@link #whole}, in chunks (no length). */
    static Answer chunked(String target, long size, String... fields) {
        return (head, out) -> {
            writeHead(out, 200, -1, fields);
            writeChunks(out, target, 0, size, true);
            return true;
        };
    }

    /**
     * Answers {@code target} with {@code answer}; the first request's answer waits at least
     * {@code minMillis} and until {@code until} holds (at most {@code maxMillis}): a slow origin, or one
     * that holds its head until the test has what it needs. The flag returned says whether
     * {@code until} came to hold; it is set before the answer is written.
     */
    AtomicBoolean holdFirst(String target, long minMillis, long maxMillis, BooleanSupplier until, Answer answer) {
        AtomicBoolean held = new AtomicBoolean();
        AtomicInteger seen = new AtomicInteger();
        on(target, (head, out) -> {
            if (seen.incrementAndGet() == 1) {
                long start = System.nanoTime();
                held.set(FlowClient.awaitQuietly(maxMillis,
                        () -> until.getAsBoolean() && System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(minMillis)));
            }
            return answer.answer(head, out);
        });
        return held;
    }

    /**
     * Answers {@code target} with a fresh 200 of {@code size} bytes in two parts: once {@code headWhen}
     * holds (waited for at most 5 s), the head and the first {@code split} bytes; then, once {@code rest}
     * is counted down (at most 5 s), the rest. Only the first request is held so; later ones get it at
     * once. The flag returned says whether the rest waited for {@code rest}; it is set before the rest
     * is written.
     */
    AtomicBoolean inTwoParts(String target, long size, long split, BooleanSupplier headWhen, CountDownLatch rest) {
        AtomicBoolean restCameAfter = new AtomicBoolean();
        AtomicInteger seen = new AtomicInteger();
        on(target, (head, out) -> {
            boolean first = seen.incrementAndGet() == 1;
            if (first) {
                FlowClient.awaitQuietly(5000, headWhen);
            }
            writeHead(out, 200, size, FRESH);
            writeBody(out, target, 0, split);
            if (first) {
                try {
                    restCameAfter.set(rest.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            writeBody(out, target, split, size);
            return true;
        });
        return restCameAfter;
    }

    /** How many requests for {@code target} came. */
    int requests(String target) {
        AtomicInteger n = counts.get(target);
        return n == null ? 0 : n.get();
    }

    int port() {
        return member.port();
    }

    /**
     * Writes a response head: the status, the fields (each {@code "Name: value"}), and
     * {@code Content-Length} when {@code length >= 0}, else {@code Transfer-Encoding: chunked}.
     */
    static void writeHead(OutputStream out, int status, long length, String... fields) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(status == 200 ? " OK" : " Other")
                .append("\r\n");
        for (String f : fields) {
            head.append(f).append("\r\n");
        }
        head.append(length >= 0 ? "Content-Length: " + length : "Transfer-Encoding: chunked").append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code target}'s body, and flushes. */
    static void writeBody(OutputStream out, String target, long from, long to) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (long at = from; at < to; ) {
            int n = (int) Math.min(buf.length, to - at);
            fill(buf, target, at, n);
            out.write(buf, 0, n);
            at += n;
        }
        out.flush();
    }

    /** As {@link #writeBody}, in chunked framing; {@code last} writes the terminating chunk after. */
    static void writeChunks(OutputStream out, String target, long from, long to, boolean last) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (long at = from; at < to; ) {
            int n = (int) Math.min(buf.length, to - at);
            fill(buf, target, at, n);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(buf, 0, n);
            out.write(RawMember.latin1("\r\n"));
            at += n;
        }
        if (last) {
            out.write(RawMember.latin1("0\r\n\r\n"));
        }
        out.flush();
    }

    /** The byte at {@code offset} of {@code target}'s body: differs from target to target and along the body. */
    static byte bodyByte(String target, long offset) {
        long x = target.hashCode() * 0x9E3779B97F4A7C15L + offset * 31 + (offset >>> 11);
        return (byte) (x ^ (x >>> 29));
    }

    private static void fill(byte[] buf, String target, long at, int n) {
        for (int i = 0; i < n; i++) {
            buf[i] = bodyByte(target, at + i);
        }
    }

    /** {@code target}'s whole body of {@code size} bytes (small bodies only). */
    static byte[] body(String target, int size) {
        byte[] b = new byte[size];
        fill(b, target, 0, size);
        return b;
    }

    /** The CRC32 of {@code target}'s body of {@code size} bytes, for bodies too large to keep. */
    static long crc(String target, long size) {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        for (long at = 0; at < size; ) {
            int n = (int) Math.min(buf.length, size - at);
            fill(buf, target, at, n);
            crc.update(buf, 0, n);
            at += n;
        }
        return crc.getValue();
    }

    @Override
    public void close() throws Exception {
        member.close();
    }
}
