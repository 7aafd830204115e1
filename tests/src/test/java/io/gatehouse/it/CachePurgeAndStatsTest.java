package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.cache.handler.ResponseCache;
import io.gatehouse.cache.store.CacheStatsView;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's controls over a running cache, through {@code Assembly.cache()}: purging one URL, a
 * prefix or everything sends the next request to the origin; the statistics count what the proxy did
 * (hits and misses per tier, entries and bytes per tier, collapsed requests, revalidations); and the
 * memory tier's bound holds under a stream of large distinct answers, in its own count and in the heap.
 */
@Timeout(60)
class CachePurgeAndStatsTest {
    static final String FRESH = FlowOrigin.FRESH;
    /** What the heap after a full collection may hold beyond the memory tier's size once 100 MiB went through it. */
    static final long HEAP_MARGIN = 8 * FlowClient.MIB;

    @RegisterExtension
    final FlowSite site = new FlowSite(null);

    void start(String proxypass) {
        site.restart(proxypass);
    }

    ResponseCache cache() {
        return site.cache();
    }

    /** GETs {@code target} (a body of 1000 bytes), asserts the body and returns its X-Cache. */
    String get(String target) throws Exception {
        HttpResponse<byte[]> r = site.client.get(target);
        assertEquals(200, r.statusCode());
        assertArrayEquals(FlowOrigin.body(target, 1000), r.body());
        return FlowClient.xCache(r);
    }

    static String key(String target) {
        return "http://127.0.0.1" + target;
    }

    @Test
    void purgingOneUrlAPrefixOrEverythingSendsTheNextRequestsToTheOrigin() throws Exception {
        start("cache_memory = 16\ncache_disk = 64\ncache_dir = " + site.dir().resolve("cache"));
        List<String> targets = List.of("/a/1", "/a/2", "/b/1", "/c");
        for (String t : targets) {
            site.origin.serve(t, 1000, FRESH);
            assertEquals("MISS", get(t));
        }
        FlowClient.await(10, () -> cache().stats().diskEntries() == 4, "the four entries are on disk too");
        for (String t : targets) {
            assertEquals("HIT", get(t));
        }

        assertEquals(1, cache().purge(key("/a/1"), false).get(10, TimeUnit.SECONDS), "one entry purged");
        assertEquals("MISS", get("/a/1"), "from both tiers");
        assertEquals("HIT", get("/a/2"), "and only that one");
        assertEquals(2, site.origin.requests("/a/1"));
        assertEquals(0, cache().purge(key("/nothing"), false).get(10, TimeUnit.SECONDS), "a URL not stored: none purged");

        FlowClient.await(10, () -> cache().stats().diskEntries() == 4, "/a/1 is on disk again");
        assertEquals(2, cache().purge(key("/a/"), true).get(10, TimeUnit.SECONDS), "the prefix's two entries");
        assertEquals("MISS", get("/a/1"));
        assertEquals("MISS", get("/a/2"));
        assertEquals("HIT", get("/b/1"), "other prefixes are kept");
        assertEquals("HIT", get("/c"));

        FlowClient.await(10, () -> cache().stats().diskEntries() == 4, "all four on disk again");
        assertEquals(4, cache().purgeAll().get(10, TimeUnit.SECONDS), "everything");
        for (String t : targets) {
            assertEquals("MISS", get(t), t + " after purging everything");
        }
        assertEquals(List.of(4, 3, 2, 2), targets.stream().map(site.origin::requests).toList(),
                "each MISS, and only those, went to the origin");
    }

    @Test
    void theStatisticsCountHitsMissesEntriesBytesCollapsedRequestsAndRevalidations() throws Exception {
        start("cache_memory = 16\ncache_disk = 64\ncache_dir = " + site.dir().resolve("cache"));
        site.origin.serve("/s", 1000, FRESH);
        assertEquals("MISS", get("/s"));
        FlowClient.await(10, () -> cache().stats().diskEntries() == 1, "the entry is on disk");
        assertEquals("HIT", get("/s"));
        assertEquals("HIT", get("/s"));
        CacheStatsView s = cache().stats();
        assertEquals(2, s.memoryHits());
        assertEquals(1, s.memoryMisses());
        assertEquals(0, s.diskHits());
        assertEquals(1, s.diskMisses(), "a memory miss is looked up on disk");
        assertEquals(2.0 / 3, s.hitRatio(), 1e-9);
        assertEquals(1, s.memoryEntries());
        assertEquals(1, s.diskEntries());
        assertTrue(s.memoryBytes() >= 1000 && s.memoryBytes() <= s.memoryCapacityBytes(), "memory bytes: " + s);
        assertTrue(s.diskBytes() >= 1000 && s.diskBytes() <= s.diskCapacityBytes(), "disk bytes: " + s);
        assertEquals(16 * FlowClient.MIB, s.memoryCapacityBytes());
        assertEquals(64 * FlowClient.MIB, s.diskCapacityBytes());

        // three clients at once for a slow key: two collapsed
        AtomicBoolean joined = site.origin.holdFirst("/slow", 0, 4000, () -> site.collapsed() >= 2,
                FlowOrigin.whole("/slow", 1000, FRESH));
        List<CompletableFuture<HttpResponse<byte[]>>> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(site.client.getAsync("/slow"));
        }
        for (CompletableFuture<HttpResponse<byte[]>> f : three) {
            assertArrayEquals(FlowOrigin.body("/slow", 1000), f.get(10, TimeUnit.SECONDS).body());
        }
        assertTrue(joined.get());
        assertEquals(2, cache().stats().collapsed());
        assertEquals(1, site.origin.requests("/slow"));

        // stored stale at once with a validator: the next request revalidates, the origin says 304
        AtomicInteger conditional = new AtomicInteger();
        site.origin.on("/etag", (head, out) -> {
            if ("\"v1\"".equals(RawMember.header(head, "If-None-Match"))) {
                conditional.incrementAndGet();
                FlowOrigin.writeHead(out, 304, -2, "ETag: \"v1\"", "Cache-Control: max-age=0");
                return true;
            }
            FlowOrigin.writeHead(out, 200, 1000, "ETag: \"v1\"", "Cache-Control: max-age=0");
            FlowOrigin.writeBody(out, "/etag", 0, 1000);
            return true;
        });
        assertEquals(0, cache().stats().revalidations());
        assertEquals("MISS", get("/etag"));
        assertEquals("REVALIDATED", get("/etag"));
        assertEquals(1, conditional.get(), "the origin was asked with If-None-Match");
        assertEquals(1, cache().stats().revalidations());
        HttpResponse<byte[]> again = site.client.get("/etag");
        assertEquals("REVALIDATED", FlowClient.xCache(again));
        assertEquals(1, again.headers().allValues("X-Request-ID").size(),
                "the entry refreshed by the 304 kept no request's id: " + again.headers().allValues("X-Request-ID"));
        assertEquals(2, cache().stats().revalidations());
    }

    @Test
    void theMemoryTiersBoundHoldsUnderAStreamOfLargeDistinctAnswers() throws Exception {
        start("cache_memory = 16\ncache_disk = 0");
        int size = 512 * 1024;
        int count = 200;
        site.origin.serve("/warm", 1000, "Cache-Control: no-store");
        site.client.get("/warm");
        long before = FlowClient.usedHeapAfterGc();
        for (int i = 0; i < count; i++) {
            String target = "/large/" + i;
            site.origin.serve(target, size, FRESH);
            HttpResponse<byte[]> r = site.client.get(target);
            assertEquals(size, r.body().length);
            assertEquals("MISS", FlowClient.xCache(r));
        }
        FlowClient.await(10, () -> cache().stats().memoryBytes() <= cache().stats().memoryCapacityBytes(),
                "the memory tier is within its bound once evictions ran");
        long after = FlowClient.usedHeapAfterGc();
        CacheStatsView s = cache().stats();
        assertEquals(16 * FlowClient.MIB, s.memoryCapacityBytes());
        assertTrue(s.memoryEntries() > 0 && s.memoryEntries() <= 32, "at most 16 MiB / 512 KiB entries: " + s);
        assertTrue(s.memoryEvictions() >= count - 32, "the others were evicted: " + s);
        String heap = "heap after GC: before " + before / FlowClient.MIB + " MiB, after " + after / FlowClient.MIB
                + " MiB (bound: cache_memory 16 MiB + margin " + HEAP_MARGIN / FlowClient.MIB + " MiB; "
                + count * (size / 1024) / 1024 + " MiB went through)";
        assertTrue(after - before < 16 * FlowClient.MIB + HEAP_MARGIN, heap);
        System.out.println(heap);
    }
}
