package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.cache.handler.ResponseCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storing never delays the first client, and what is too large to store streams through: a cacheable
 * body reaches the client while the origin is still sending it and is a hit afterwards; a 50 MiB body
 * over {@code cache_max_object} (1m here) streams through whole without the heap growing by its size,
 * and is not stored; nor is a body of unknown length that outgrows the maximum, which still reaches the
 * client whole. The origin counts its requests; the tests' JVM has a 256 MiB heap.
 */
@Timeout(60)
class CacheStreamingTest {
    static final String FRESH = "Cache-Control: max-age=600";
    static final long MIB = 1024 * 1024;
    /** How much the heap after a full collection may grow while (and after) a 50 MiB body streams through. */
    static final long HEAP_MARGIN = 12 * MIB;

    @TempDir
    java.nio.file.Path tmp;

    FlowOrigin origin;
    GatehouseHarness gatehouse;
    FlowClient client;

    @BeforeEach
    void start() throws Exception {
        origin = FlowOrigin.start();
        gatehouse = GatehouseHarness.start(tmp, FlowClient.site("${PORT}", origin.port(),
                "cache_memory = 16\ncache_max_object = 1m"));
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

    @Test
    void aCacheableBodyFromASlowOriginReachesTheClientBeforeTheOriginFinishesAndIsAHitAfterwards() throws Exception {
        int size = 512 * 1024;
        int early = 64 * 1024;
        CountDownLatch clientHasEarlyBytes = new CountDownLatch(1);
        AtomicBoolean lastWriteAfterClientHadBytes = new AtomicBoolean();
        origin.on("/slowly", (head, out) -> {
            FlowOrigin.writeHead(out, 200, size, FRESH);
            FlowOrigin.writeBody(out, "/slowly", 0, early);
            try {
                lastWriteAfterClientHadBytes.set(clientHasEarlyBytes.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FlowOrigin.writeBody(out, "/slowly", early, size);
            return true;
        });
        byte[] expected = FlowOrigin.body("/slowly", size);
        HttpResponse<InputStream> r = client.stream("/slowly");
        assertEquals("MISS", FlowClient.xCache(r));
        try (InputStream in = r.body()) {
            assertArrayEquals(Arrays.copyOf(expected, early), FlowClient.readExactly(in, early),
                    "the first bytes reach the client while the origin holds the rest");
            clientHasEarlyBytes.countDown();
            assertArrayEquals(Arrays.copyOfRange(expected, early, size), in.readAllBytes());
        }
        assertTrue(lastWriteAfterClientHadBytes.get(), "the origin's last write came after the client had bytes");

        FlowClient.await(5, () -> cache().stats().memoryEntries() == 1, "the entry is stored once whole");
        HttpResponse<byte[]> again = client.get("/slowly");
        assertEquals("HIT", FlowClient.xCache(again));
        assertArrayEquals(expected, again.body());
        assertEquals(1, origin.requests("/slowly"));
    }

    @Test
    void aFiftyMegabyteBodyOverCacheMaxObjectStreamsThroughWholeIsNotStoredAndDoesNotGrowTheHeap() throws Exception {
        long size = 50 * MIB;
        long half = size / 2;
        CountDownLatch measured = new CountDownLatch(1);
        origin.on("/big", (head, out) -> {
            FlowOrigin.writeHead(out, 200, size, FRESH);
            FlowOrigin.writeBody(out, "/big", 0, half);
            try {
                measured.await(10, TimeUnit.SECONDS); // so that the heap is measured mid-body
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FlowOrigin.writeBody(out, "/big", half, size);
            return true;
        });
        origin.serve("/warm", 1000, "Cache-Control: no-store");
        client.get("/warm"); // the first proxied request's classes and buffers are not the body's
        long before = FlowClient.usedHeapAfterGc();

        AtomicLong received = new AtomicLong();
        CompletableFuture<long[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = client.stream("/big").body()) {
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

        assertEquals(size, got[0], "the whole body");
        assertEquals(FlowOrigin.crc("/big", size), got[1], "and the right bytes");
        String heap = "heap after GC: before " + before / MIB + " MiB, mid-body " + midBody / MIB + " MiB, after "
                + after / MIB + " MiB (margin " + HEAP_MARGIN / MIB + " MiB)";
        assertTrue(midBody - before < HEAP_MARGIN, "25 MiB in, the body is not held: " + heap);
        assertTrue(after - before < HEAP_MARGIN, "the body is not kept: " + heap);
        assertEquals(0, cache().stats().memoryEntries(), "nothing stored");
        System.out.println(heap);

        HttpResponse<InputStream> again = client.stream("/big");
        assertEquals("MISS", FlowClient.xCache(again));
        try (InputStream in = again.body()) {
            assertEquals(size, FlowClient.drain(in)[0]);
        }
        assertEquals(2, origin.requests("/big"), "the second request went to the origin too");
    }

    @Test
    void aChunkedBodyThatOutgrowsCacheMaxObjectReachesTheClientWholeAndIsNotStored() throws Exception {
        int size = 3 * (int) MIB;
        origin.on("/chunked", (head, out) -> {
            FlowOrigin.writeHead(out, 200, -1, FRESH);
            FlowOrigin.writeChunks(out, "/chunked", 0, size, true);
            return true;
        });
        byte[] expected = FlowOrigin.body("/chunked", size);
        HttpResponse<byte[]> first = client.get("/chunked");
        assertEquals(200, first.statusCode());
        assertEquals("MISS", FlowClient.xCache(first));
        assertArrayEquals(expected, first.body(), "the whole body, though only 1m could have been stored");

        HttpResponse<byte[]> second = client.get("/chunked");
        assertEquals("MISS", FlowClient.xCache(second), "not stored (never a part of it)");
        assertArrayEquals(expected, second.body());
        assertEquals(2, origin.requests("/chunked"));
        assertEquals(0, cache().stats().memoryEntries());
    }
}
