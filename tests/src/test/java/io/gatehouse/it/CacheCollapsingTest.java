package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Collapsing through the real proxy: clients that ask at once for a key that is not stored make one
 * origin request, wait for its head (at most the lock timeout) and then read the body as it arrives,
 * as do clients that come while the body is coming; other keys never wait on a slow one; an answer
 * that turns out not storable, or of unknown length and too large to store, sends the waiters to the
 * origin; and the first client leaving mid-body leaves the fill (and its waiters) going. The origin
 * counts its requests.
 */
@Timeout(60)
class CacheCollapsingTest {
    static final String FRESH = FlowOrigin.FRESH;
    /** The bodies that come in two halves, the origin holding the second until the test lets it go. */
    static final int SIZE = 256 * 1024;
    static final int HALF = SIZE / 2;

    @RegisterExtension
    final FlowSite site = new FlowSite("cache_memory = 32\ncache_max_object = 8m");

    long collapsed() {
        return site.collapsed();
    }

    @Test
    void aHundredConcurrentRequestsForOneSlowKeyMakeOneOriginRequestAndAllGetTheWholeBody() throws Exception {
        int size = 64 * 1024;
        // A slow origin: holds its answer a second, and until the 99 others have come, so that every one
        // of them finds the fill waiting for its head (well within the 5 s lock timeout).
        AtomicBoolean allJoined = site.origin.holdFirst("/slow", 1000, 4000, () -> collapsed() >= 99,
                FlowOrigin.whole("/slow", size, FRESH));
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(site.client.getAsync("/slow"));
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
        assertEquals(1, site.origin.requests("/slow"), "one origin request for the hundred clients");
        Map<String, Long> byStatus = statuses.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(Map.of("MISS", 1L, "HIT", 99L), byStatus, "the first is the miss, the others are answered by its fill");
        assertEquals(99, collapsed(), "the statistics count the collapsed requests");
        assertEquals("HIT", FlowClient.xCache(site.client.get("/slow")), "and the answer was stored");
        assertEquals(1, site.origin.requests("/slow"));
    }

    @Test
    void aRequestForAnotherKeyIsAnsweredWhileASlowKeyStillWaitsForItsOrigin() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean heldUntilReleased = site.origin.holdFirst("/slow", 0, 4000, () -> release.getCount() == 0,
                FlowOrigin.whole("/slow", 100, FRESH));
        site.origin.serve("/other", 100, FRESH);
        List<CompletableFuture<HttpResponse<byte[]>>> slow = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            slow.add(site.client.getAsync("/slow"));
        }
        FlowClient.await(10, () -> site.origin.requests("/slow") == 1 && collapsed() == 9,
                "the slow key's origin request is out and nine clients wait on it");

        long t0 = System.nanoTime();
        HttpResponse<byte[]> other = site.client.get("/other");
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
        assertEquals(1, site.origin.requests("/slow"));
    }

    @Test
    void aWaiterReadsTheFirstHalfOfTheBodyBeforeTheOriginSendsTheRest() throws Exception {
        CountDownLatch waiterHasHalf = new CountDownLatch(1);
        AtomicBoolean restAfterWaiterHadHalf = site.origin.inTwoParts("/halves", SIZE, HALF, () -> collapsed() >= 1,
                waiterHasHalf);
        CompletableFuture<HttpResponse<byte[]>> first = firstRequestAtTheOrigin("/halves");
        CompletableFuture<HttpResponse<InputStream>> waiter = site.client.http.sendAsync(
                HttpRequest.newBuilder(site.client.uri("/halves")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        HttpResponse<InputStream> w = waiter.get(10, TimeUnit.SECONDS);
        assertEquals(200, w.statusCode());
        assertEquals("HIT", FlowClient.xCache(w), "the second client waited on the first one's fill");
        try (InputStream in = w.body()) {
            FlowClient.readInTwoParts(in, "/halves", SIZE, HALF, waiterHasHalf);
        }
        assertTrue(restAfterWaiterHadHalf.get(), "the origin sent the rest only after the waiter had read the first half");
        assertArrayEquals(FlowOrigin.body("/halves", SIZE), first.get(10, TimeUnit.SECONDS).body());
        assertEquals(1, site.origin.requests("/halves"));
    }

    @Test
    void aRequestArrivingWhileTheBodyIsComingReadsItFromTheSameFill() throws Exception {
        CountDownLatch secondHasHalf = new CountDownLatch(1);
        AtomicBoolean restAfterSecondHadHalf = site.origin.inTwoParts("/late", SIZE, HALF, () -> true, secondHasHalf);
        byte[] expected = FlowOrigin.body("/late", SIZE);
        HttpResponse<InputStream> first = site.client.stream("/late");
        try (InputStream in = first.body()) {
            assertArrayEquals(java.util.Arrays.copyOf(expected, HALF), in.readNBytes(HALF),
                    "the body is coming: the origin holds its second half");
            HttpResponse<InputStream> second = site.client.stream("/late");
            assertEquals("HIT", FlowClient.xCache(second), "the later request reads the fill that is on its way");
            try (InputStream in2 = second.body()) {
                FlowClient.readInTwoParts(in2, "/late", SIZE, HALF, secondHasHalf);
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, HALF, SIZE), in.readAllBytes());
        }
        assertTrue(restAfterSecondHadHalf.get(), "the second request came while the origin held the rest");
        assertEquals(1, site.origin.requests("/late"), "one origin request");
    }

    @Test
    void aWaiterWhoseFillHasNoHeadAfterTheLockTimeoutGoesToTheOriginItself() throws Exception {
        // no head until the waiter gave up on this fill (5 s) and asked for itself
        AtomicBoolean heldUntilTheWaiterCame = site.origin.holdFirst("/stuck", 0, 8000,
                () -> site.origin.requests("/stuck") == 2,
                FlowOrigin.whole("/stuck", 100, FRESH));
        CompletableFuture<HttpResponse<byte[]>> first = firstRequestAtTheOrigin("/stuck");
        HttpResponse<byte[]> waiter = site.client.get("/stuck");
        assertEquals(200, waiter.statusCode());
        assertArrayEquals(FlowOrigin.body("/stuck", 100), waiter.body());
        assertEquals("MISS", FlowClient.xCache(waiter), "it went to the origin itself");
        assertEquals(1, collapsed(), "it had waited on the first one's fill");
        assertArrayEquals(FlowOrigin.body("/stuck", 100), first.get(10, TimeUnit.SECONDS).body());
        assertTrue(heldUntilTheWaiterCame.get(), "while the first origin request still had no head");
        assertEquals(2, site.origin.requests("/stuck"));
    }

    @Test
    void theWaiterAndLaterHitsCarryTheirOwnRequestIdNotTheOneOfTheRequestThatFilledTheEntry() throws Exception {
        AtomicBoolean waiterJoined = site.origin.holdFirst("/ids", 0, 5000, () -> collapsed() >= 1,
                FlowOrigin.whole("/ids", 100, FRESH));
        CompletableFuture<HttpResponse<byte[]>> first = firstRequestAtTheOrigin("/ids");
        CompletableFuture<HttpResponse<byte[]>> waiter = site.client.getAsync("/ids");
        List<HttpResponse<byte[]>> answers = List.of(first.get(10, TimeUnit.SECONDS), waiter.get(10, TimeUnit.SECONDS),
                site.client.get("/ids"));
        assertTrue(waiterJoined.get());
        assertEquals(List.of("MISS", "HIT", "HIT"), answers.stream().map(FlowClient::xCache).toList());
        List<String> ids = new ArrayList<>();
        for (HttpResponse<byte[]> r : answers) {
            List<String> own = r.headers().allValues("X-Request-ID");
            assertEquals(1, own.size(), "one X-Request-ID, this request's: " + own);
            ids.add(own.get(0));
        }
        assertEquals(3, ids.stream().distinct().count(), "each answer names its own request: " + ids);
    }

    @Test
    void anAnswerThatTurnsOutNotStorableSendsEveryWaiterToTheOrigin() throws Exception {
        int size = 10_000;
        AtomicBoolean waitersJoined = site.origin.holdFirst("/nostore", 0, 4000, () -> collapsed() >= 9,
                FlowOrigin.whole("/nostore", size, "Cache-Control: no-store"));
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(site.client.getAsync("/nostore"));
        }
        byte[] expected = FlowOrigin.body("/nostore", size);
        for (CompletableFuture<HttpResponse<byte[]>> f : all) {
            HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertArrayEquals(expected, r.body());
            assertEquals("MISS", FlowClient.xCache(r));
        }
        assertTrue(waitersJoined.get(), "nine clients waited on the first one's fill");
        assertEquals(10, site.origin.requests("/nostore"), "released, each waiter made its own origin request");
        assertEquals(0, site.stats().memoryEntries(), "nothing stored");
    }

    @Test
    void theFirstClientLeavingMidBodyLeavesTheFillGoingForItsWaitersAndTheEntryIsStored() throws Exception {
        int size = 6 * 1024 * 1024;
        int firstPart = size / 2;
        CountDownLatch firstClientLeft = new CountDownLatch(1);
        AtomicBoolean restAfterItLeft = site.origin.inTwoParts("/leave", size, firstPart, () -> collapsed() >= 1,
                firstClientLeft);
        try (RawHttp first = new RawHttp(site.gatehouse.address())) {
            first.send("GET /leave HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            FlowClient.await(10, () -> site.origin.requests("/leave") == 1, "the first client's request reached the origin");
            CompletableFuture<HttpResponse<byte[]>> waiter = site.client.getAsync("/leave");
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
        FlowClient.await(5, () -> site.stats().memoryEntries() == 1, "the entry is stored");
        HttpResponse<byte[]> again = site.client.get("/leave");
        assertEquals("HIT", FlowClient.xCache(again));
        assertArrayEquals(FlowOrigin.body("/leave", size), again.body());
        assertEquals(1, site.origin.requests("/leave"), "one origin request in all");
    }

    @Test
    void aWaiterOnAnAnswerOfUnknownLengthThatOutgrowsCacheMaxObjectGoesToTheOriginAndGetsItWhole() throws Exception {
        site.restart("cache_memory = 32\ncache_max_object = 1m");
        int size = 3 * 1024 * 1024;
        AtomicBoolean waiterJoined = chunkedOnceAWaiterJoined("/grows", size);
        CompletableFuture<HttpResponse<byte[]>> first = firstRequestAtTheOrigin("/grows");
        CompletableFuture<HttpResponse<byte[]>> waiter = site.client.getAsync("/grows");
        byte[] expected = FlowOrigin.body("/grows", size);
        assertArrayEquals(expected, first.get(20, TimeUnit.SECONDS).body(), "the first client gets it whole");
        HttpResponse<byte[]> w = waiter.get(20, TimeUnit.SECONDS);
        assertTrue(waiterJoined.get(), "the second client waited on the first one's fill");
        assertEquals(200, w.statusCode());
        assertArrayEquals(expected, w.body(), "the waiter gets it whole too, never the part the fill kept");
        assertEquals("MISS", FlowClient.xCache(w));
        assertEquals(2, site.origin.requests("/grows"), "released when the body outgrew the maximum, the waiter asked itself");
        assertEquals(0, site.stats().memoryEntries(), "not stored");
    }

    @Test
    void aWaiterOnAStorableAnswerOfUnknownLengthReadsItOnceWhole() throws Exception {
        int size = 200_000;
        AtomicBoolean waiterJoined = chunkedOnceAWaiterJoined("/chunked", size);
        CompletableFuture<HttpResponse<byte[]>> first = firstRequestAtTheOrigin("/chunked");
        CompletableFuture<HttpResponse<byte[]>> waiter = site.client.getAsync("/chunked");
        byte[] expected = FlowOrigin.body("/chunked", size);
        assertArrayEquals(expected, first.get(20, TimeUnit.SECONDS).body());
        HttpResponse<byte[]> w = waiter.get(20, TimeUnit.SECONDS);
        assertTrue(waiterJoined.get(), "the second client waited on the first one's fill");
        assertArrayEquals(expected, w.body());
        assertEquals("HIT", FlowClient.xCache(w));
        assertEquals(1, site.origin.requests("/chunked"));
    }

    /**
     * {@code target} answers a 200 in chunks, {@code size} bytes; the first request's answer waits (at
     * most 5 s) until a second client has joined its fill; the flag says whether one did.
     */
    private AtomicBoolean chunkedOnceAWaiterJoined(String target, int size) {
        return site.origin.holdFirst(target, 0, 5000, () -> collapsed() >= 1, FlowOrigin.chunked(target, size, FRESH));
    }

    /** Sends the first request for {@code target} and waits until it reached the origin. */
    private CompletableFuture<HttpResponse<byte[]>> firstRequestAtTheOrigin(String target) {
        CompletableFuture<HttpResponse<byte[]>> first = site.client.getAsync(target);
        FlowClient.await(10, () -> site.origin.requests(target) == 1,
                "the first client's request for " + target + " reached the origin");
        return first;
    }
}
