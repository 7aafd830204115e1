package io.gatehouse.cache.store;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

import static io.gatehouse.cache.store.StoreFixtures.MIB;
import static io.gatehouse.cache.store.StoreFixtures.await;
import static io.gatehouse.cache.store.StoreFixtures.bytes;
import static io.gatehouse.cache.store.StoreFixtures.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TieredStoreTest {

    @TempDir
    Path tmp;

    private final ExecutorService executor = StoreFixtures.diskExecutor(2);
    private final List<TieredStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(TieredStore::close);
        executor.shutdown();
    }

    private TieredStore open(long memory, long disk) {
        return open(new CacheStoreSpec(memory, disk, tmp.resolve("cache"), 8 * MIB, 1000), executor);
    }

    private TieredStore open(CacheStoreSpec spec, Executor diskExecutor) {
        TieredStore s = TieredStore.open(spec, diskExecutor, Runnable::run, Ticker.disabledTicker());
        opened.add(s);
        return s;
    }

    @Test
    void aStoredEntryIsAMemoryHitOnTheCallingThreadAndTheSameObject() throws Exception {
        TieredStore s = open(4 * MIB, 32 * MIB);
        StoredResponse r = entry("GET http://a.example/", 10_000, 1);
        await(s.put(r));
        assertSame(r, s.memory(r.key()));
        assertNull(s.memory("GET http://a.example/missing"));
        CacheStatsView v = s.stats();
        assertEquals(1, v.memoryHits());
        assertEquals(1, v.memoryMisses());
        assertEquals(1, v.memoryEntries());
        assertEquals(1, v.diskEntries(), "written through to disk");
    }

    @Test
    void aDiskHitIsPromotedIntoMemory() throws Exception {
        TieredStore s = open(4 * MIB, 32 * MIB);
        StoredResponse r = entry("GET http://a.example/p", 50_000, 2);
        await(s.put(r));
        s.memoryTier().remove(r.key()); // as if evicted from memory

        assertNull(s.memory(r.key()));
        StoredResponse fromDisk = await(s.disk(r.key()));
        assertNotNull(fromDisk);
        assertArrayEquals(bytes(r), bytes(fromDisk));
        assertSame(fromDisk, s.memory(r.key()), "promoted");
        CacheStatsView v = s.stats();
        assertEquals(1, v.diskHits());
        assertEquals(1, v.memoryHits());
        assertEquals(1, v.memoryMisses());
        assertEquals(2.0 / 2.0, v.hitRatio(), 1e-9, "both lookups ended in a hit");
    }

    @Test
    void aDiskMissIsCountedAndTheHitRatioFollows() throws Exception {
        TieredStore s = open(4 * MIB, 32 * MIB);
        await(s.put(entry("a", 10, 1)));
        s.memory("a");
        s.memory("b");
        assertNull(await(s.disk("b")));
        CacheStatsView v = s.stats();
        assertEquals(1, v.diskMisses());
        assertEquals(0.5, v.hitRatio(), 1e-9);
    }

    @Test
    void aReadThatARemovalOvertookIsNotPromoted() throws Exception {
        StoreFixtures.GatedExecutor gated = new StoreFixtures.GatedExecutor();
        try {
            TieredStore s = open(new CacheStoreSpec(4 * MIB, 32 * MIB, tmp.resolve("cache"), 8 * MIB, 0), gated);
            StoredResponse r = entry("k", 100, 1);
            CompletableFuture<Void> stored = s.put(r);
            s.memoryTier().remove("k");
            CompletableFuture<StoredResponse> read = s.disk("k"); // queued behind the write
            CompletableFuture<Boolean> removed = s.remove("k");   // queued behind the read
            gated.open();
            await(stored);
            assertNotNull(await(read), "the read came first");
            assertTrue(await(removed));
            assertNull(s.memory("k"), "a removal after the read began: the read is not promoted");
        } finally {
            gated.shutdown();
        }
    }

    @Test
    void aDamagedDiskEntryIsNeverServedNorPromotedAndIsCounted() throws Exception {
        TieredStore s = open(4 * MIB, 32 * MIB);
        StoredResponse r = entry("GET http://a.example/d", 5_000, 3);
        byte[] bytes = r.serialise();
        bytes[bytes.length - 1] ^= 0x40;
        await(s.diskTier().putBytes(r.key(), bytes));

        assertNull(await(s.disk(r.key())));
        assertNull(s.memory(r.key()));
        CacheStatsView v = s.stats();
        assertEquals(1, v.damagedDiscarded());
        assertEquals(1, v.diskMisses());
        assertEquals(0, v.diskErrors());
    }

    @Test
    void aTierOfZeroIsNotMadeAtAll() throws Exception {
        TieredStore memoryOnly = open(4 * MIB, 0);
        assertNull(memoryOnly.diskTier());
        assertFalse(Files.exists(tmp.resolve("cache")), "no disk store, no directory");
        await(memoryOnly.put(entry("a", 10, 1)));
        assertNotNull(memoryOnly.memory("a"));
        assertNull(await(memoryOnly.disk("a")));
        assertFalse(memoryOnly.stats().diskTier());

        TieredStore diskOnly = open(0, 32 * MIB);
        assertNull(diskOnly.memoryTier());
        await(diskOnly.put(entry("b", 10, 2)));
        assertNull(diskOnly.memory("b"));
        assertNotNull(await(diskOnly.disk("b")));
        CacheStatsView v = diskOnly.stats();
        assertFalse(v.memoryTier());
        assertEquals(0, v.memoryMisses(), "no memory tier, nothing counted for it");
        assertEquals(1.0, v.hitRatio(), 1e-9);
    }

    @Test
    void aBodyOverTheLargestObjectIsNotStoredAndItsOlderVersionGoes() throws Exception {
        TieredStore s = open(new CacheStoreSpec(4 * MIB, 32 * MIB, tmp.resolve("cache"), 1000, 0), executor);
        await(s.put(entry("k", 1000, 1)));
        assertNotNull(s.memory("k"));
        await(s.put(entry("k", 1001, 2)));
        assertNull(s.memory("k"));
        assertNull(await(s.disk("k")));
    }

    @Test
    void purgeTakesOneKeyAPrefixOrEverythingFromBothTiers() throws Exception {
        TieredStore s = open(4 * MIB, 32 * MIB);
        for (String k : List.of("GET http://a.example/img/1", "GET http://a.example/img/2", "GET http://a.example/x",
            "GET http://b.example/y")) {
            await(s.put(entry(k, 1000, k.hashCode())));
        }
        s.memoryTier().remove("GET http://a.example/img/2"); // on disk only

        assertEquals(1L, await(s.purge("GET http://a.example/x", false)));
        assertEquals(0L, await(s.purge("GET http://a.example/x", false)));
        assertNull(s.memory("GET http://a.example/x"));
        assertNull(await(s.disk("GET http://a.example/x")));

        assertEquals(2L, await(s.purge("GET http://a.example/img/", true)), "each key counted once");
        assertNull(s.memory("GET http://a.example/img/1"));
        assertNull(await(s.disk("GET http://a.example/img/2")));

        assertEquals(1L, await(s.purgeAll()));
        assertNull(s.memory("GET http://b.example/y"));
        assertNull(await(s.disk("GET http://b.example/y")));
        assertEquals(0, s.stats().diskEntries());
    }

    @Test
    void theStagesCountersAppearInTheStatistics() {
        TieredStore s = open(4 * MIB, 0);
        s.counters().addCollapsed();
        s.counters().addCollapsed();
        s.counters().addRevalidation();
        s.counters().addStaleServed();
        s.counters().addBypass();
        CacheStatsView v = s.stats();
        assertEquals(2, v.collapsed());
        assertEquals(1, v.revalidations());
        assertEquals(1, v.staleServed());
        assertEquals(1, v.bypasses());
        assertEquals(0, v.hitRatio());
    }

    @Test
    void entriesSurviveACleanCloseAndReopenOfTheStore() throws Exception {
        TieredStore first = open(4 * MIB, 32 * MIB);
        StoredResponse r = entry("GET http://a.example/restart", 40_000, 8);
        await(first.put(r));
        first.close();

        TieredStore second = open(4 * MIB, 32 * MIB);
        assertNull(second.memory(r.key()), "memory starts empty");
        assertNotNull(await(second.disk(r.key())));
        assertNotNull(second.memory(r.key()));
        assertFalse(second.stats().diskStartedEmpty());
    }

    @Test
    void theSpecRefusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new CacheStoreSpec(-1, 0, null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CacheStoreSpec(0, MIB, null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CacheStoreSpec(0, 0, null, 1, -1));
        assertEquals(1024, new CacheStoreSpec(MIB, 0, null, 1, 1024).minEntryWeight());
        assertEquals(0, new CacheStoreSpec(MIB, 0, null, 1, 0).minEntryWeight());
    }
}
