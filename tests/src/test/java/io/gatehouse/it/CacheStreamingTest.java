package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Storing never delays the first client, and what is too large to store streams through: a cacheable
 * body reaches the client while the origin is still sending it and is a hit afterwards; a 50 MiB body
 * over {@code cache_max_object} (1m here) streams through whole without the heap growing by its size,
 * and is not stored; nor is a body of unknown length that outgrows the maximum, which still reaches the
 * client whole. The origin counts its requests; the tests' JVM has a 256 MiB heap.
 */
@Timeout(60)
class CacheStreamingTest {
    static final String FRESH = FlowOrigin.FRESH;
    /** How much the heap after a full collection may grow while (and after) a 50 MiB body streams through. */
    static final long HEAP_MARGIN = 12 * FlowClient.MIB;

    @RegisterExtension
    final FlowSite site = new FlowSite("cache_memory = 16\ncache_max_object = 1m");

    @Test
    void aCacheableBodyFromASlowOriginReachesTheClientBeforeTheOriginFinishesAndIsAHitAfterwards() throws Exception {
        int size = 512 * 1024;
        int early = 64 * 1024;
        CountDownLatch clientHasEarlyBytes = new CountDownLatch(1);
        AtomicBoolean lastWriteAfterClientHadBytes = site.origin.inTwoParts("/slowly", size, early, () -> true,
                clientHasEarlyBytes);
        byte[] expected = FlowOrigin.body("/slowly", size);
        HttpResponse<InputStream> r = site.client.stream("/slowly");
        assertEquals("MISS", FlowClient.xCache(r));
        try (InputStream in = r.body()) {
            FlowClient.readInTwoParts(in, "/slowly", size, early, clientHasEarlyBytes);
        }
        assertTrue(lastWriteAfterClientHadBytes.get(), "the origin's last write came after the client had bytes");

        FlowClient.await(5, () -> site.stats().memoryEntries() == 1, "the entry is stored once whole");
        HttpResponse<byte[]> again = site.client.get("/slowly");
        assertEquals("HIT", FlowClient.xCache(again));
        assertArrayEquals(expected, again.body());
        assertEquals(1, site.origin.requests("/slowly"));
    }

    @Test
    void aFiftyMegabyteBodyOverCacheMaxObjectStreamsThroughWholeIsNotStoredAndDoesNotGrowTheHeap() throws Exception {
        long size = 50 * FlowClient.MIB;
        long half = size / 2;
        CountDownLatch measured = new CountDownLatch(1); // the origin holds the second half until then
        AtomicBoolean measuredMidBody = site.origin.inTwoParts("/big", size, half, () -> true, measured);
        site.origin.serve("/warm", 1000, "Cache-Control: no-store");
        site.client.get("/warm"); // the first proxied request's classes and buffers are not the body's
        long before = FlowClient.usedHeapAfterGc();

        AtomicLong received = new AtomicLong();
        CompletableFuture<long[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = site.client.stream("/big").body()) {
                CRC32 crc = new CRC32();
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    crc.update(buf, 0, n);
                    received.addAndGet(n);
                }
                return new long[] {received.get(), crc.getValue()};
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FlowClient.await(20, () -> received.get() >= half, "the client has the first half of the body");
        long midBody = FlowClient.usedHeapAfterGc();
        measured.countDown();
        long[] got = read.get(30, TimeUnit.SECONDS);
        long after = FlowClient.usedHeapAfterGc();

        assertTrue(measuredMidBody.get(), "the heap was measured while the origin held the second half");
        assertEquals(size, got[0], "the whole body");
        assertEquals(FlowOrigin.crc("/big", size), got[1], "and the right bytes");
        String heap = "heap after GC: before " + before / FlowClient.MIB + " MiB, mid-body " + midBody / FlowClient.MIB
                + " MiB, after "
                + after / FlowClient.MIB + " MiB (margin " + HEAP_MARGIN / FlowClient.MIB + " MiB)";
        assertTrue(midBody - before < HEAP_MARGIN, "25 MiB in, the body is not held: " + heap);
        assertTrue(after - before < HEAP_MARGIN, "the body is not kept: " + heap);
        assertEquals(0, site.stats().memoryEntries(), "nothing stored");
        System.out.println(heap);

        HttpResponse<InputStream> again = site.client.stream("/big");
        assertEquals("MISS", FlowClient.xCache(again));
        try (InputStream in = again.body()) {
            assertEquals(size, FlowClient.drain(in)[0]);
        }
        assertEquals(2, site.origin.requests("/big"), "the second request went to the origin too");
    }

    @Test
    void aChunkedBodyThatOutgrowsCacheMaxObjectReachesTheClientWholeAndIsNotStored() throws Exception {
        int size = 3 * (int) FlowClient.MIB;
        site.origin.on("/chunked", (head, out) -> {
            FlowOrigin.writeHead(out, 200, -1, FRESH);
            FlowOrigin.writeChunks(out, "/chunked", 0, size, true);
            return true;
        });
        byte[] expected = FlowOrigin.body("/chunked", size);
        HttpResponse<byte[]> first = site.client.get("/chunked");
        assertEquals(200, first.statusCode());
        assertEquals("MISS", FlowClient.xCache(first));
        assertArrayEquals(expected, first.body(), "the whole body, though only 1m could have been stored");

        HttpResponse<byte[]> second = site.client.get("/chunked");
        assertEquals("MISS", FlowClient.xCache(second), "not stored (never a part of it)");
        assertArrayEquals(expected, second.body());
        assertEquals(2, site.origin.requests("/chunked"));
        assertEquals(0, site.stats().memoryEntries());
    }
}
