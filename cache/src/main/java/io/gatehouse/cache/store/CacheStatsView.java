package io.gatehouse.cache.store;

/**
 * The response cache's statistics at one moment, for the console and JMX: hits and misses per tier,
 * the hit ratio, what each tier holds, evictions, damaged entries discarded, disk errors, and the
 * cache stage's own counts.
 *
 * <p>A tier that is not configured reports zeros (and {@code memoryTier}/{@code diskTier} false).
 *
 * @param hitRatio         hits of either tier over lookups that ended (a hit in either tier, or a miss in
 *                         the last tier there is); 0 before any lookup
 * @param memoryBytes      what the memory tier holds, as weighed (each entry at least the minimum weight)
 * @param diskBytes        bytes of the disk store in use
 * @param diskNotWritten   entries not written to disk: too large for it, or the write backlog was full
 * @param diskStartedEmpty the disk tier started empty because the last run did not close it
 */
public record CacheStatsView(
    boolean memoryTier,
    boolean diskTier,
    long memoryHits,
    long memoryMisses,
    long diskHits,
    long diskMisses,
    double hitRatio,
    long memoryBytes,
    long memoryCapacityBytes,
    long memoryEntries,
    long memoryEvictions,
    long diskBytes,
    long diskCapacityBytes,
    long diskEntries,
    long diskEvictions,
    long damagedDiscarded,
    long diskErrors,
    long diskNotWritten,
    boolean diskStartedEmpty,
    long collapsed,
    long revalidations,
    long staleServed,
    long bypasses) {

    public CacheStatsView {
        if (hitRatio < 0 || hitRatio > 1 || Double.isNaN(hitRatio)) {
            throw new IllegalArgumentException("hitRatio: " + hitRatio + " (expected: 0..1)");
        }
    }

    /** Hits in either tier. */
    public long hits() {
        return memoryHits + diskHits;
    }
}
