package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.upstream.UpstreamCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_connections}, {@code max_queue}, {@code queue_timeout} end to end: requests beyond a
 * member's limit wait in a bounded queue and go on as the member finishes others; a full queue or a
 * wait too long is a 503 with the JSON error body and {@code Retry-After}, never an unbounded buffer.
 */
@Timeout(60)
class OverloadTest {
    @TempDir
    java.nio.file.Path tmp;

    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch holding = new CountDownLatch(1);
    RawMember member;
    GatehouseHarness gatehouse;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        // Holds every /held request until the test releases them; answers anything else at once.
        member = RawMember.start((String path, String head, InputStream in, OutputStream out) -> {
            if (path.contains("/held")) {
                holding.countDown();
                try {
                    if (!release.await(20, TimeUnit.SECONDS)) {
                        return false;
                    }
                } catch (InterruptedException e) {
                    return false;
                }
            }
            out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path));
            return true;
        });
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @one
                /short = @short

                [@one]
                members = 127.0.0.1:%d
                max_connections = 1
                max_queue = 1
                queue_timeout = 10s

                [@short]
                members = 127.0.0.1:%d
                max_connections = 1
                max_queue = 5
                queue_timeout = 300ms
                """.formatted(member.port(), member.port()));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        gatehouse.close();
        member.close();
    }

    CompletableFuture<HttpResponse<String>> get(String path) {
        return client.sendAsync(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    UpstreamCluster cluster(String name) {
        return gatehouse.assembly().runtime().clusters().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "waited 10 s for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void aFullMemberWithAFullQueueIs503WithRetryAfterAndTheQueuedRequestGoesOn() throws Exception {
        CompletableFuture<HttpResponse<String>> first = get("/held/1");
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the member holds the first request");
        CompletableFuture<HttpResponse<String>> second = get("/held/2");
        await("the second request waits in the queue", () -> cluster("one").waiting() == 1);

        long t0 = System.nanoTime();
        HttpResponse<String> third = get("/held/3").get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "at once: the queue is full");
        assertEquals(503, third.statusCode());
        assertEquals("10", third.headers().firstValue("Retry-After").orElse(null), "queue_timeout, in seconds");
        assertEquals("application/json", third.headers().firstValue("Content-Type").orElse(null));
        String id = third.headers().firstValue("X-Request-ID").orElseThrow();
        assertEquals("{\"status\":503,\"error\":\"service unavailable: every upstream member is at its connection"
                + " limit; retry later\",\"request_id\":\"" + id + "\"}", third.body().strip());
        assertEquals(1, member.heads().size(), "only the first is at the member: the queued one waits, the refused"
                + " one never went");

        release.countDown();
        assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
        HttpResponse<String> queued = second.get(10, TimeUnit.SECONDS);
        assertEquals(200, queued.statusCode(), "the queued request went on when the slot freed");
        assertEquals("/held/2", queued.body());
        assertEquals(0, cluster("one").waiting());
    }

    @Test
    void aWaitLongerThanQueueTimeoutIs503WithRetryAfter() throws Exception {
        CompletableFuture<HttpResponse<String>> first = get("/short/held/1");
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        HttpResponse<String> waited = get("/short/2").get(10, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(503, waited.statusCode());
        assertTrue(tookMillis >= 300, "not before queue_timeout: " + tookMillis + " ms");
        assertEquals("1", waited.headers().firstValue("Retry-After").orElse(null), "300ms rounds up to 1 s");
        assertTrue(waited.body().startsWith("{\"status\":503,"), waited.body());
        assertEquals(0, cluster("short").waiting());
        release.countDown();
        assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
    }
}
