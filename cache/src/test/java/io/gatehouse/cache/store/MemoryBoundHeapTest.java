package io.gatehouse.cache.store;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import static io.gatehouse.cache.store.StoreFixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory tier's bound holds on the real heap under a stream of large distinct objects.
 *
 * <p>400 distinct answers of 1 MiB each (400 MiB in all) go into a 32 MiB tier, each built the way the
 * cache stage builds them (streamed in 16 KiB chunks). After full collections, the heap in use may
 * exceed what it was before by at most {@code cache_memory} plus a margin of 8 MiB. The margin covers
 * what is not body: Caffeine's table, nodes and frequency sketch, the entry objects, their header
 * strings and buffer objects (each entry's weight counts these roughly, so they are mostly inside the
 * bound already), and the collector's imprecision after {@code System.gc()}. Without the bound the
 * heap would grow by about 400 MiB.
 */
class MemoryBoundHeapTest {

    private static final long TIER = 32 * MIB;
    private static final long MARGIN = 8 * MIB;

    @Test
    void theHeapStaysUnderTheMemoryBoundPlusAMarginAfterManyLargeDistinctObjects() {
        MemoryTier tier = new MemoryTier(TIER, 0, Runnable::run, Ticker.disabledTicker());
        tier.put(StoreFixtures.entry("warm-up", 1024, 0)); // classes loaded before the baseline
        tier.get("warm-up");
        tier.remove("warm-up");
        byte[] chunk = StoreFixtures.body(16 * 1024, 1);
        long baseline = usedAfterGc();

        for (int i = 0; i < 400; i++) {
            StoredResponse.Builder b = StoredResponse.builder("GET http://big.example/object/" + i, 200,
                StoredFields.of("Content-Type", "application/octet-stream", "Content-Length", String.valueOf(MIB)),
                i, i, 8 * MIB);
            for (int n = 0; n < MIB / chunk.length; n++) {
                b.append(chunk, 0, chunk.length);
            }
            tier.put(b.build(MIB));
        }
        tier.cleanUp();
        long grown = usedAfterGc() - baseline;

        assertTrue(tier.weightedBytes() <= TIER, "weighed " + tier.weightedBytes());
        assertTrue(tier.entries() >= 20, "the tier is in use, not empty: " + tier.entries());
        assertEquals(400 - tier.entries(), tier.evictions());
        assertTrue(grown < TIER + MARGIN,
            "the heap grew by " + grown / MIB + " MiB with " + tier.entries() + " entries kept; bound "
                + (TIER + MARGIN) / MIB + " MiB");
        tier.get("GET http://big.example/object/399"); // the tier stays reachable until after the measurement
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
