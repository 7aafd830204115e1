package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.BlockingHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 64 MiB bodies through Gatehouse in both directions, with and without a length, in a test JVM whose
 * heap is 256 MiB. Each transfer also proves it is streamed: one side holds back the rest of the body
 * until the other side has seen the first MiB, which a proxy that buffers whole bodies never allows.
 */
@Timeout(120)
class StreamingBodiesTest {
    static final long SIZE = 64L * 1024 * 1024;
    static final long HOLD_AFTER = 2L * 1024 * 1024;
    static final long SIGNAL_AT = 1024 * 1024;

    @TempDir
    java.nio.file.Path tmp;

    Undertow upstream;
    GatehouseHarness gatehouse;
    HttpClient client;
    /** Counted down by the member when it has received the first MiB of an upload. */
    volatile CountDownLatch memberSawFirstMiB;
    /** Counted down by the test's client when it has received the first MiB of a download. */
    volatile CountDownLatch clientSawFirstMiB;
    final AtomicReference<String> memberProblem = new AtomicReference<>();

    /** The byte at offset {@code i} of every test body. */
    static int pattern(long i) {
        return (int) ((i * 31 + (i >>> 13)) & 0xFF);
    }

    /** Reads {@code in} to its end into {@code crc}; counts {@code firstMiB} down once a MiB has come. */
    static long consume(InputStream in, CRC32 crc, CountDownLatch firstMiB) throws java.io.IOException {
        long count = 0;
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            crc.update(buf, 0, n);
            count += n;
            if (count >= SIGNAL_AT) {
                firstMiB.countDown();
            }
        }
        return count;
    }

    static long expectedCrc(long size) {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        for (long at = 0; at < size; ) {
            int n = (int) Math.min(buf.length, size - at);
            for (int i = 0; i < n; i++) {
                buf[i] = (byte) pattern(at + i);
            }
            crc.update(buf, 0, n);
            at += n;
        }
        return crc.getValue();
    }

    @BeforeEach
    void start() {
        upstream = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(4)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .setHandler(new BlockingHandler(exchange -> {
                    if (exchange.getRequestPath().equals("/upload")) {
                        CRC32 crc = new CRC32();
                        long count = consume(exchange.getInputStream(), crc, memberSawFirstMiB);
                        exchange.getResponseSender().send(count + " " + crc.getValue());
                    } else {
                        long size = Long.parseLong(exchange.getQueryParameters().get("size").getFirst());
                        boolean withLength = exchange.getQueryParameters().containsKey("length");
                        if (withLength) {
                            exchange.setResponseContentLength(size);
                        }
                        OutputStream out = exchange.getOutputStream();
                        byte[] buf = new byte[64 * 1024];
                        for (long at = 0; at < size; ) {
                            if (at == HOLD_AFTER) {
                                out.flush();
                                if (!clientSawFirstMiB.await(20, TimeUnit.SECONDS)) {
                                    memberProblem.set("the client never saw the first MiB while the member held back");
                                }
                            }
                            int n = (int) Math.min(buf.length, Math.min(size - at,
                                    at < HOLD_AFTER ? HOLD_AFTER - at : Long.MAX_VALUE));
                            for (int i = 0; i < n; i++) {
                                buf[i] = (byte) pattern(at + i);
                            }
                            out.write(buf, 0, n);
                            at += n;
                        }
                        out.close();
                    }
                })).build();
        upstream.start();
        int port = GatehouseHarness.boundPort(upstream);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 30

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(port));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        memberSawFirstMiB = new CountDownLatch(1);
        clientSawFirstMiB = new CountDownLatch(1);
    }

    @AfterEach
    void stop() {
        gatehouse.close();
        upstream.stop();
    }

    /** The test body, which stops after {@link #HOLD_AFTER} bytes until the member has seen the first MiB. */
    final class HeldBackBody extends InputStream {
        private final long size;
        private long at;
        volatile boolean memberWasLate;

        HeldBackBody(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= size) {
                return -1;
            }
            if (at == HOLD_AFTER) {
                try {
                    if (!memberSawFirstMiB.await(20, TimeUnit.SECONDS)) {
                        memberWasLate = true;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    memberWasLate = true;
                }
            }
            long limit = at < HOLD_AFTER ? HOLD_AFTER : size;
            int n = (int) Math.min(len, limit - at);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) pattern(at + i);
            }
            at += n;
            return n;
        }
    }

    private void upload(boolean withLength) throws Exception {
        HeldBackBody body = new HeldBackBody(SIZE);
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofInputStream(() -> body);
        if (withLength) {
            publisher = HttpRequest.BodyPublishers.fromPublisher(publisher, SIZE);
        }
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gatehouse.uri("/upload"))
                .timeout(Duration.ofSeconds(60)).POST(publisher).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(!body.memberWasLate, "the member must see the start of the body before the client sends the rest");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(SIZE + " " + expectedCrc(SIZE), response.body(), "every byte arrived, in order");
    }

    private void download(boolean withLength) throws Exception {
        String query = "/download?size=" + SIZE + (withLength ? "&length" : "");
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(gatehouse.uri(query))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        if (withLength) {
            assertEquals(String.valueOf(SIZE), response.headers().firstValue("Content-Length").orElse(null));
        } else {
            assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(null));
        }
        CRC32 crc = new CRC32();
        long count;
        try (InputStream in = response.body()) {
            count = consume(in, crc, clientSawFirstMiB);
        }
        assertNull(memberProblem.get());
        assertEquals(SIZE, count);
        assertEquals(expectedCrc(SIZE), crc.getValue(), "every byte arrived, in order");
    }

    @Test
    void uploadWithContentLengthIsStreamed() throws Exception {
        upload(true);
    }

    @Test
    void chunkedUploadIsStreamed() throws Exception {
        upload(false);
    }

    @Test
    void downloadWithContentLengthIsStreamed() throws Exception {
        download(true);
    }

    @Test
    void chunkedDownloadIsStreamed() throws Exception {
        download(false);
    }

    @Test
    void heapStaysFlatAcrossRepeatedLargeTransfers() throws Exception {
        // The test JVM has -Xmx256m; four 64 MiB transfers at once would not fit if any were held whole.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Long>>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> {
                    HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(
                                    gatehouse.uri("/download?length&size=" + SIZE))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = r.body()) {
                        return consume(in, new CRC32(), clientSawFirstMiB);
                    }
                }));
            }
            for (var f : futures) {
                assertEquals(SIZE, f.get(90, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        Runtime rt = Runtime.getRuntime();
        assertTrue(rt.maxMemory() <= 300L * 1024 * 1024, "the tests module runs with a small heap: " + rt.maxMemory());
    }
}
