package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.cache.handler.ResponseCache;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collapsing through the real proxy: clients that ask at once for a key that is not stored make one
 * origin request, wait for its head and then read the body as it arrives; other keys never wait on a
 * slow one; an answer that turns out not storable sends the waiters to the origin; and the first
 * client leaving mid-body leaves the fill (and its waiters) going. The origin counts its requests.
 */
@Timeout(60)
class CacheCollapsingTest {
    static final String FRESH = "Cache-Control: max-age=600";

    @TempDir
    java.nio.file.Path tmp;

    FlowOrigin origin;
    GatehouseHarness gatehouse;
    FlowClient client;

    @BeforeEach
    void start() throws Exception {
        origin = FlowOrigin.start();
        gatehouse = GatehouseHarness.start(tmp, FlowClient.site("${PORT}", origin.port(),
                "cache_memory = 32\ncache_max_object = 8m"));
        client = new FlowClient(gatehouse.port);
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        origin.close();
    }

    ResponseCache cache() {
        return gatehouse.assembly().cache().orElseThrow();
    }

    long collapsed() {
        return cache().stats().collapsed();
    }

    @Test
    void aHundredConcurrentRequestsForOneSlowKeyMakeOneOriginRequestAndAllGetTheWholeBody() throws Exception {
        int size = 64 * 1024;
        AtomicBoolean allJoined = new AtomicBoolean();
        origin.on("/slow", (head, out) -> {
            // A slow origin: holds its answer a second, and until the 99 others have come, so that every
            // one of them finds the fill waiting for its head (well within the 5 s lock timeout).
            long start = System.nanoTime();
            allJoined.set(FlowClient.awaitQuietly(4000,
                    () -> collapsed() >= 99 && System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1)));
            FlowOrigin.writeHead(out, 200, size, FRESH);
            FlowOrigin.writeBody(out, "/slow", 0, size);
            return true;
        });
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(client.getAsync("/slow"));
        }
        byte[] expected = FlowOrigin.body("/slow", size);
        List<String> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<byte[]>> f : all) {
            HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertArrayEquals(expected, r.body(), "every client gets the whole, correct body");
            statuses.add(FlowClient.xCache(r));
        }
        assertTrue(allJoined.get(), "the 99 others joined the fill while the origin held its answer");
        assertEquals(1, origin.requests("/slow"), "one origin request for the hundred clients");
        Map<String, Long> byStatus = statuses.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(Map.of("MISS", 1L, "HIT", 99L), byStatus, "the first is the miss, the others are answered by its fill");
        assertEquals(99, collapsed(), "the statistics count the collapsed requests");
        assertEquals("HIT", FlowClient.xCache(client.get("/slow")), "and the answer was stored");
        assertEquals(1, origin.requests("/slow"));
    }

    @Test
    void aRequestForAnotherKeyIsAnsweredWhileASlowKeyStillWaitsForItsOrigin() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean heldUntilReleased = new AtomicBoolean();
        origin.on("/slow", (head, out) -> {
            heldUntilReleased.set(await(release, 4000));
            FlowOrigin.writeHead(out, 200, 100, FRESH);
            FlowOrigin.writeBody(out, "/slow", 0, 100);
            return true;
        });
        origin.serve("/other", 100, FRESH);
        List<CompletableFuture<HttpResponse<byte[]>>> slow = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            slow.add(client.getAsync("/slow"));
        }
        FlowClient.await(10, () -> origin.requests("/slow") == 1 && collapsed() == 9,
                "the slow key's origin request is out and nine clients wait on it");

        long t0 = System.nanoTime();
        HttpResponse<byte[]> other = client.get("/other");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertEquals(200, other.statusCode());
        assertArrayEquals(FlowOrigin.body("/other", 100), other.body());
        assertEquals("MISS", FlowClient.xCache(other));
        assertEquals(1, release.getCount(), "the other key was answered while the slow origin still held its answer");
        assertTrue(slow.stream().noneMatch(CompletableFuture::isDone), "the slow key's clients are still waiting");
        release.countDown();
        for (CompletableFuture<HttpResponse<byte[]>> f : slow) {
            assertArrayEquals(FlowOrigin.body("/slow", 100), f.get(10, TimeUnit.SECONDS).body());
        }
        assertTrue(heldUntilReleased.get(), "the slow origin held until released (the other key took " + millis + " ms)");
        assertEquals(1, origin.requests("/slow"));
    }

    @Test
    void aWaiterReadsTheFirstHalfOfTheBodyBeforeTheOriginSendsTheRest() throws Exception {
        int size = 256 * 1024;
        int half = size / 2;
        CountDownLatch waiterHasHalf = new CountDownLatch(1);
        AtomicBoolean restAfterWaiterHadHalf = new AtomicBoolean();
        origin.on("/halves", (head, out) -> {
            FlowClient.awaitQuietly(5000, () -> collapsed() >= 1);
            FlowOrigin.writeHead(out, 200, size, FRESH);
            FlowOrigin.writeBody(out, "/halves", 0, half);
            restAfterWaiterHadHalf.set(await(waiterHasHalf, 5000));
            FlowOrigin.writeBody(out, "/halves", half, size);
            return true;
        });
        CompletableFuture<HttpResponse<byte[]>> first = client.getAsync("/halves");
        FlowClient.await(10, () -> origin.requests("/halves") == 1, "the first client's request reached the origin");
        CompletableFuture<HttpResponse<InputStream>> waiter = client.http.sendAsync(
                HttpRequest.newBuilder(client.uri("/halves")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        HttpResponse<InputStream> w = waiter.get(10, TimeUnit.SECONDS);
        assertEquals(200, w.statusCode());
        assertEquals("HIT", FlowClient.xCache(w), "the second client waited on the first one's fill");
        byte[] expected = FlowOrigin.body("/halves", size);
        try (InputStream in = w.body()) {
            byte[] firstHalf = FlowClient.readExactly(in, half);
            assertArrayEquals(java.util.Arrays.copyOf(expected, half), firstHalf,
                    "the waiter has the first half while the origin holds the rest");
            waiterHasHalf.countDown();
            byte[] rest = in.readAllBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, half, size), rest);
        }
        assertTrue(restAfterWaiterHadHalf.get(), "the origin sent the rest only after the waiter had read the first half");
        assertArrayEquals(expected, first.get(10, TimeUnit.SECONDS).body());
        assertEquals(1, origin.requests("/halves"));
    }

    @Test
    void aRequestArrivingWhileTheBodyIsComingReadsItFromTheSameFill() throws Exception {
        int size = 256 * 1024;
        int half = size / 2;
        CountDownLatch secondHasHalf = new CountDownLatch(1);
        AtomicInteger seen = new AtomicInteger();
        origin.on("/late", (head, out) -> {
            FlowOrigin.writeHead(out, 200, size, FRESH);
            FlowOrigin.writeBody(out, "/late", 0, half);
            if (seen.incrementAndGet() == 1) {
                await(secondHasHalf, 5000);
            }
            FlowOrigin.writeBody(out, "/late", half, size);
            return true;
        });
        byte[] expected = FlowOrigin.body("/late", size);
        HttpResponse<InputStream> first = client.stream("/late");
        try (InputStream in = first.body()) {
            FlowClient.readExactly(in, half); // the body is coming: the origin holds its second half
            HttpResponse<InputStream> second = client.stream("/late");
            assertEquals("HIT", FlowClient.xCache(second), "the later request reads the fill that is on its way");
            try (InputStream in2 = second.body()) {
                assertArrayEquals(java.util.Arrays.copyOf(expected, half), FlowClient.readExactly(in2, half));
                secondHasHalf.countDown();
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, half, size), in2.readAllBytes());
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, half, size), in.readAllBytes());
        }
        assertEquals(1, origin.requests("/late"), "one origin request");
    }

    @Test
    void aWaiterWhoseFillHasNoHeadAfterTheLockTimeoutGoesToTheOriginItself() throws Exception {
        AtomicBoolean heldUntilTheWaiterCame = new AtomicBoolean();
        AtomicInteger seen = new AtomicInteger();
        origin.on("/stuck", (head, out) -> {
            if (seen.incrementAndGet() == 1) {
                // no head until the waiter gave up on this fill (5 s) and asked for itself
                heldUntilTheWaiterCame.set(FlowClient.awaitQuietly(8000, () -> origin.requests("/stuck") == 2));
            }
            FlowOrigin.writeHead(out, 200, 100, FRESH);
            FlowOrigin.writeBody(out, "/stuck", 0, 100);
            return true;
        });
        CompletableFuture<HttpResponse<byte[]>> first = client.getAsync("/stuck");
        FlowClient.await(10, () -> origin.requests("/stuck") == 1, "the first client's request reached the origin");
        HttpResponse<byte[]> waiter = client.get("/stuck");
        assertEquals(200, waiter.statusCode());
        assertArrayEquals(FlowOrigin.body("/stuck", 100), waiter.body());
        assertEquals("MISS", FlowClient.xCache(waiter), "it went to the origin itself");
        assertEquals(1, collapsed(), "it had waited on the first one's fill");
        assertArrayEquals(FlowOrigin.body("/stuck", 100), first.get(10, TimeUnit.SECONDS).body());
        assertTrue(heldUntilTheWaiterCame.get(), "while the first origin request still had no head");
        assertEquals(2, origin.requests("/stuck"));
    }

    @Test
    void anAnswerThatTurnsOutNotStorableSendsEveryWaiterToTheOrigin() throws Exception {
        int size = 10_000;
        AtomicInteger seen = new AtomicInteger();
        AtomicBoolean waitersJoined = new AtomicBoolean(true);
        origin.on("/nostore", (head, out) -> {
            if (seen.incrementAndGet() == 1) {
                waitersJoined.set(FlowClient.awaitQuietly(4000, () -> collapsed() >= 9));
            }
            FlowOrigin.writeHead(out, 200, size, "Cache-Control: no-store");
            FlowOrigin.writeBody(out, "/nostore", 0, size);
            return true;
        });
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(client.getAsync("/nostore"));
        }
        byte[] expected = FlowOrigin.body("/nostore", size);
        for (CompletableFuture<HttpResponse<byte[]>> f : all) {
            HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertArrayEquals(expected, r.body());
            assertEquals("MISS", FlowClient.xCache(r));
        }
        assertTrue(waitersJoined.get(), "nine clients waited on the first one's fill");
        assertEquals(10, origin.requests("/nostore"), "released, each waiter made its own origin request");
        assertEquals(0, cache().stats().memoryEntries(), "nothing stored");
    }

    @Test
    void theFirstClientLeavingMidBodyLeavesTheFillGoingForItsWaitersAndTheEntryIsStored() throws Exception {
        int size = 6 * 1024 * 1024;
        int firstPart = size / 2;
        CountDownLatch firstClientLeft = new CountDownLatch(1);
        AtomicBoolean restAfterItLeft = new AtomicBoolean();
        origin.on("/leave", (head, out) -> {
            FlowClient.awaitQuietly(5000, () -> collapsed() >= 1);
            FlowOrigin.writeHead(out, 200, size, FRESH);
            FlowOrigin.writeBody(out, "/leave", 0, firstPart);
            restAfterItLeft.set(await(firstClientLeft, 5000));
            FlowOrigin.writeBody(out, "/leave", firstPart, size);
            return true;
        });
        try (RawHttp first = new RawHttp(gatehouse.address())) {
            first.send("GET /leave HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            FlowClient.await(10, () -> origin.requests("/leave") == 1, "the first client's request reached the origin");
            CompletableFuture<HttpResponse<byte[]>> waiter = client.getAsync("/leave");
            String head = first.readUntil("\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals(1024, first.input().readNBytes(1024).length, "the first client had some of the body");
            first.close(); // leaves with the rest unread (the connection is reset)
            firstClientLeft.countDown();

            HttpResponse<byte[]> w = waiter.get(20, TimeUnit.SECONDS);
            assertEquals(200, w.statusCode());
            assertEquals("HIT", FlowClient.xCache(w));
            assertEquals(size, w.body().length, "the waiter gets the whole body");
            assertArrayEquals(FlowOrigin.body("/leave", size), w.body());
        }
        assertTrue(restAfterItLeft.get(), "the origin sent the rest after the first client left");
        FlowClient.await(5, () -> cache().stats().memoryEntries() == 1, "the entry is stored");
        HttpResponse<byte[]> again = client.get("/leave");
        assertEquals("HIT", FlowClient.xCache(again));
        assertArrayEquals(FlowOrigin.body("/leave", size), again.body());
        assertEquals(1, origin.requests("/leave"), "one origin request in all");
    }

    @Test
    void aWaiterOnAnAnswerOfUnknownLengthThatOutgrowsCacheMaxObjectGoesToTheOriginAndGetsItWhole() throws Exception {
        gatehouse.close();
        gatehouse = GatehouseHarness.start(tmp.resolve("small"), FlowClient.site("${PORT}", origin.port(),
                "cache_memory = 32\ncache_max_object = 1m"));
        client = new FlowClient(gatehouse.port);
        int size = 3 * 1024 * 1024;
        AtomicBoolean waiterJoined = new AtomicBoolean();
        originWithChunkedAnswer("/grows", size, waiterJoined);
        CompletableFuture<HttpResponse<byte[]>> first = client.getAsync("/grows");
        FlowClient.await(10, () -> origin.requests("/grows") == 1, "the first client's request reached the origin");
        CompletableFuture<HttpResponse<byte[]>> waiter = client.getAsync("/grows");
        byte[] expected = FlowOrigin.body("/grows", size);
        assertArrayEquals(expected, first.get(20, TimeUnit.SECONDS).body(), "the first client gets it whole");
        HttpResponse<byte[]> w = waiter.get(20, TimeUnit.SECONDS);
        assertTrue(waiterJoined.get(), "the second client waited on the first one's fill");
        assertEquals(200, w.statusCode());
        assertArrayEquals(expected, w.body(), "the waiter gets it whole too, never the part the fill kept");
        assertEquals("MISS", FlowClient.xCache(w));
        assertEquals(2, origin.requests("/grows"), "released when the body outgrew the maximum, the waiter asked itself");
        assertEquals(0, cache().stats().memoryEntries(), "not stored");
    }

    @Test
    void aWaiterOnAStorableAnswerOfUnknownLengthReadsItOnceWhole() throws Exception {
        int size = 200_000;
        AtomicBoolean waiterJoined = new AtomicBoolean();
        originWithChunkedAnswer("/chunked", size, waiterJoined);
        CompletableFuture<HttpResponse<byte[]>> first = client.getAsync("/chunked");
        FlowClient.await(10, () -> origin.requests("/chunked") == 1, "the first client's request reached the origin");
        CompletableFuture<HttpResponse<byte[]>> waiter = client.getAsync("/chunked");
        byte[] expected = FlowOrigin.body("/chunked", size);
        assertArrayEquals(expected, first.get(20, TimeUnit.SECONDS).body());
        HttpResponse<byte[]> w = waiter.get(20, TimeUnit.SECONDS);
        assertTrue(waiterJoined.get(), "the second client waited on the first one's fill");
        assertArrayEquals(expected, w.body());
        assertEquals("HIT", FlowClient.xCache(w));
        assertEquals(1, origin.requests("/chunked"));
    }

    /**
     * {@code target} answers a 200 in chunks, {@code size} bytes; the first request's answer waits (at
     * most 5 s) until a second client has joined its fill, and says whether one did.
     */
    private void originWithChunkedAnswer(String target, int size, AtomicBoolean waiterJoined) {
        AtomicInteger seen = new AtomicInteger();
        origin.on(target, (head, out) -> {
            if (seen.incrementAndGet() == 1) {
                waiterJoined.set(FlowClient.awaitQuietly(5000, () -> collapsed() >= 1));
            }
            FlowOrigin.writeHead(out, 200, -1, FRESH);
            FlowOrigin.writeChunks(out, target, 0, size, true);
            return true;
        });
    }

    private static boolean await(CountDownLatch latch, long millis) {
        try {
            return latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
