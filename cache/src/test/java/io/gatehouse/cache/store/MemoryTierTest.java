package io.gatehouse.cache.store;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.gatehouse.cache.store.StoreFixtures.MIB;
import static io.gatehouse.cache.store.StoreFixtures.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryTierTest {

    /** Caffeine's upkeep on the calling thread: evictions happen before put returns. */
    private static MemoryTier tier(long bytes, long minEntryWeight) {
        return new MemoryTier(bytes, minEntryWeight, Runnable::run, Ticker.disabledTicker());
    }

    @Test
    void aLookupReturnsTheStoredEntryItselfNotACopy() {
        MemoryTier t = tier(MIB, 0);
        StoredResponse r = entry("a", 1000, 1);
        assertTrue(t.put(r));
        assertSame(r, t.get("a"));
        assertNull(t.get("b"));
    }

    @Test
    void theTierHoldsNoMoreBytesThanItsBound() {
        MemoryTier t = tier(MIB, 0);
        for (int i = 0; i < 50; i++) {
            t.put(entry("k" + i, 100_000, i));
        }
        t.cleanUp();
        assertTrue(t.weightedBytes() <= MIB, "weighed " + t.weightedBytes());
        assertTrue(t.entries() <= 10, "about 100 kB each in 1 MiB: " + t.entries());
        assertEquals(50 - t.entries(), t.evictions());
    }

    @ParameterizedTest(name = "num_result_cache_max {0}")
    @CsvSource({"1", "5", "10", "64"})
    void numResultCacheMaxBoundsHowManyEntriesFitThroughTheMinimumWeight(int num) {
        long bytes = 4 * MIB;
        MemoryTier t = tier(bytes, new CacheStoreSpec(bytes, 0, null, MIB, num).minEntryWeight());
        for (int i = 0; i < 200; i++) {
            t.put(entry("small" + i, 10, i)); // far below the byte bound
        }
        t.cleanUp();
        assertEquals(num, t.entries(), "small entries fill the count, not the bytes");
        assertEquals(200 - num, t.evictions());
    }

    @Test
    void withoutACountBoundSmallEntriesAreBoundOnlyByBytes() {
        MemoryTier t = tier(4 * MIB, 0);
        for (int i = 0; i < 200; i++) {
            t.put(entry("small" + i, 10, i));
        }
        t.cleanUp();
        assertEquals(200, t.entries());
        assertEquals(0, t.evictions());
    }

    @Test
    void anEntryHeavierThanTheWholeTierIsNotKeptAndItsOlderVersionGoes() {
        MemoryTier t = tier(MIB, 0);
        assertTrue(t.put(entry("a", 1000, 1)));
        t.put(entry("b", 1000, 2));
        assertFalse(t.put(entry("a", (int) MIB, 3)));
        t.cleanUp();
        assertNull(t.get("a"), "the older, smaller version is out of date");
        assertEquals(1, t.entries(), "nothing else was evicted to make room");
        assertEquals(1, t.refusedTooHeavy());
    }

    @Test
    void purgeByPrefixTakesOnlyTheKeysThatStartWithIt() {
        MemoryTier t = tier(MIB, 0);
        t.put(entry("GET http://a.example/img/1", 10, 1));
        t.put(entry("GET http://a.example/img/2", 10, 2));
        t.put(entry("GET http://a.example/index", 10, 3));
        assertEquals(2, t.purgePrefix("GET http://a.example/img/"));
        assertNull(t.get("GET http://a.example/img/1"));
        assertEquals(1, t.entries());
        assertEquals(1, t.purgeAll());
        t.cleanUp();
        assertEquals(0, t.entries());
    }

    @Test
    void aPromotionIsRefusedWhenTheKeyChangedMeanwhile() {
        MemoryTier t = tier(MIB, 0);
        StoredResponse newer = entry("a", 10, 2);
        t.put(newer);
        assertFalse(t.promote(entry("a", 10, 1), () -> false));
        assertSame(newer, t.get("a"));
        StoredResponse read = entry("b", 10, 3);
        assertTrue(t.promote(read, () -> true));
        assertSame(read, t.get("b"));
    }
}
