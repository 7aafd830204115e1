package io.gatehouse.cache.store;

import java.nio.file.Path;

/**
 * How large the response cache's tiers are and where the disk tier lives, as plain values the
 * configuration is mapped onto ({@code [proxypass] cache_memory, cache_disk, cache_dir,
 * cache_max_object}, and the largest {@code [tunefactors] num_result_cache_max} of any site).
 *
 * @param memoryBytes       the memory tier's bound; 0 = no memory tier
 * @param diskBytes         the disk tier's size; 0 = no disk tier
 * @param dir               the disk tier's directory (required when {@code diskBytes} &gt; 0)
 * @param maxObjectBytes    the largest body stored; larger ones stream through
 * @param numResultCacheMax the most entries the memory tier keeps (through a minimum weight); 0 = no count bound
 */
public record CacheStoreSpec(long memoryBytes, long diskBytes, Path dir, long maxObjectBytes, int numResultCacheMax) {

    /** The least the disk write backlog may hold, whatever the largest object. */
    static final long MIN_DISK_BACKLOG_BYTES = 64L * 1024 * 1024;

    public CacheStoreSpec {
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes: " + memoryBytes + " (expected: >= 0)");
        }
        if (diskBytes < 0) {
            throw new IllegalArgumentException("diskBytes: " + diskBytes + " (expected: >= 0)");
        }
        if (diskBytes > 0 && dir == null) {
            throw new IllegalArgumentException("dir: null (expected: a directory when diskBytes > 0)");
        }
        if (maxObjectBytes < 0) {
            throw new IllegalArgumentException("maxObjectBytes: " + maxObjectBytes + " (expected: >= 0)");
        }
        if (numResultCacheMax < 0) {
            throw new IllegalArgumentException("numResultCacheMax: " + numResultCacheMax + " (expected: >= 0)");
        }
    }

    /** What every memory entry weighs at least: {@code memoryBytes / numResultCacheMax}, or 0 without a count bound. */
    public long minEntryWeight() {
        return numResultCacheMax > 0 ? memoryBytes / numResultCacheMax : 0;
    }

    /** Body bytes that may wait to be written to disk: four of the largest objects, at least 64 MiB. */
    public long diskBacklogBytes() {
        return Math.max(MIN_DISK_BACKLOG_BYTES, 4 * Math.min(maxObjectBytes, Long.MAX_VALUE / 4));
    }
}
