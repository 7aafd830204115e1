package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

/**
 * The client side of the response cache's flow tests: HTTP/1.1 requests through Gatehouse, the site
 * file they use (one cluster whose single member is a {@link FlowOrigin}, with the {@code [proxypass]}
 * lines a test gives), bounded waits, and the heap as measured after a full collection.
 */
final class FlowClient {
    static final long MIB = 1024 * 1024;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    FlowClient(int port) {
        this.port = port;
    }

    URI uri(String target) {
        return URI.create("http://127.0.0.1:" + port + target);
    }

    HttpResponse<byte[]> get(String target) throws IOException, InterruptedException {
        return http.send(request(target), HttpResponse.BodyHandlers.ofByteArray());
    }

    CompletableFuture<HttpResponse<byte[]>> getAsync(String target) {
        return http.sendAsync(request(target), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The answer as it streams: the head now, the body to read. */
    HttpResponse<InputStream> stream(String target) throws IOException, InterruptedException {
        return http.send(request(target), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest request(String target) {
        return HttpRequest.newBuilder(uri(target)).timeout(Duration.ofSeconds(30)).build();
    }

    static String xCache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse("(none)");
    }

    /** Reads {@code in} to its end; returns {length, crc32}. */
    static long[] drain(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        long length = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            crc.update(buf, 0, n);
            length += n;
        }
        return new long[] {length, crc.getValue()};
    }

    /**
     * Reads {@code target}'s body of {@code size} bytes from {@code in} in two parts, asserting each: the
     * first {@code split} bytes (what the origin sent before it held the rest), then, after counting
     * {@code between} down (which lets the origin go on), the rest to the end.
     */
    static void readInTwoParts(InputStream in, String target, int size, int split, CountDownLatch between)
            throws IOException {
        byte[] expected = FlowOrigin.body(target, size);
        assertArrayEquals(Arrays.copyOf(expected, split), in.readNBytes(split),
                "the first part of " + target + " came while the origin held the rest");
        between.countDown();
        assertArrayEquals(Arrays.copyOfRange(expected, split, size), in.readAllBytes(), "the rest of " + target);
    }

    /**
     * A site file for {@link GatehouseHarness} or the jar: Gatehouse on {@code port} (or {@code ${PORT}}),
     * everything but {@code /hc} (answered by Gatehouse itself) proxied to {@code originPort}, with the
     * {@code [proxypass]} lines given.
     */
    static String site(String port, int originPort, String proxypass) {
        return """
                [server]
                port = %s

                [proxypass]
                %s

                [routes:line]
                / = @origin
                /hc = return 200 OK

                [@origin]
                members = 127.0.0.1:%d
                """.formatted(port, proxypass, originPort);
    }

    /** Waits (at most {@code seconds}) until {@code condition} holds; fails naming {@code what} otherwise. */
    static void await(long seconds, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened within " + seconds + " s: " + what);
            }
            RawMember.pause(5);
        }
    }

    /** As {@link #await}, for an origin script: false (not an error) when the time ran out. */
    static boolean awaitQuietly(long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            RawMember.pause(5);
        }
        return true;
    }

    /** The heap in use after full collections (the least of a few, to let the collector settle). */
    static long usedHeapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
