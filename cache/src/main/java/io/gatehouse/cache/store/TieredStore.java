package io.gatehouse.cache.store;

import com.github.benmanes.caffeine.cache.Ticker;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The response cache's store: a memory tier over a disk tier, as {@code [proxypass] cache_memory} and
 * {@code cache_disk} size them (a tier of 0 MB is not made at all).
 *
 * <p>{@link #memory} answers on the calling (IO) thread without blocking or copying; {@link #disk}
 * runs on the disk executor and promotes a hit into memory. {@link #put} stores in memory at once and
 * on disk in the background. Purges and statistics are for the admin console. Futures returned here
 * never fail: disk trouble is counted ({@link CacheStatsView#diskErrors()}) and answered as "absent".
 */
public final class TieredStore implements AutoCloseable {

    /** Stripes of write stamps, so that a disk read promotes only what no later write or removal replaced. */
    private static final int STAMPS = 64;

    private final CacheStoreSpec spec;
    private final MemoryTier memory;
    private final DiskTier disk;
    private final CacheCounters counters = new CacheCounters();
    private final LongAdder memoryHits = new LongAdder();
    private final LongAdder memoryMisses = new LongAdder();
    private final LongAdder diskHits = new LongAdder();
    private final LongAdder diskMisses = new LongAdder();
    private final AtomicLongArray stamps = new AtomicLongArray(STAMPS);
    private final AtomicLong purges = new AtomicLong();
    private volatile boolean closed;

    private TieredStore(CacheStoreSpec spec, MemoryTier memory, DiskTier disk) {
        this.spec = spec;
        this.memory = memory;
        this.disk = disk;
    }

    /**
     * Opens the tiers the spec asks for. The disk tier may find the last run's entries (a clean
     * restart) or start empty (the last run did not close; logged once).
     *
     * @param diskExecutor where every disk operation runs (never an IO thread)
     * @param maintenance  where the memory tier evicts and does its upkeep
     * @param ticker       the memory tier's clock
     */
    public static TieredStore open(CacheStoreSpec spec, Executor diskExecutor, Executor maintenance, Ticker ticker) {
        Objects.requireNonNull(spec, "spec");
        MemoryTier memory = spec.memoryBytes() > 0
            ? new MemoryTier(spec.memoryBytes(), spec.minEntryWeight(), maintenance, ticker)
            : null;
        DiskTier disk = spec.diskBytes() > 0
            ? DiskTier.open(spec.dir(), spec.diskBytes(), spec.maxObjectBytes(), spec.diskBacklogBytes(), diskExecutor)
            : null;
        return new TieredStore(spec, memory, disk);
    }

    /** The entry in memory, or null (no memory tier, or not there); counts a memory hit or miss. */
    public StoredResponse memory(String key) {
        if (memory == null) {
            return null;
        }
        StoredResponse r = memory.get(key);
        (r == null ? memoryMisses : memoryHits).increment();
        return r;
    }

    /**
     * The entry on disk, on the disk executor: null when there is no disk tier, it is not there, or it
     * was damaged (then removed and counted). A hit is promoted into memory, unless the key was stored
     * or removed meanwhile. Counts a disk hit or miss.
     */
    public CompletableFuture<StoredResponse> disk(String key) {
        if (disk == null) {
            return CompletableFuture.completedFuture(null);
        }
        int stripe = stripe(key);
        long stamp = stamps.get(stripe);
        long purge = purges.get();
        return disk.get(key).thenApply(r -> {
            if (r == null) {
                diskMisses.increment();
                return null;
            }
            diskHits.increment();
            if (memory != null && !closed) {
                memory.promote(r, () -> stamps.get(stripe) == stamp && purges.get() == purge);
            }
            return r;
        });
    }

    /**
     * Stores the entry: in memory now, on disk in the background. The future completes when the disk
     * has it (or gave up); callers need not wait. A body over {@code cache_max_object} is never stored
     * (the stage does not offer one; this guards it) and the key's older entry is removed instead.
     */
    public CompletableFuture<Void> put(StoredResponse r) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        if (r.length() > spec.maxObjectBytes()) {
            return remove(r.key()).thenApply(had -> null);
        }
        touch(r.key());
        if (memory != null) {
            memory.put(r);
        }
        return disk == null ? CompletableFuture.completedFuture(null) : disk.put(r);
    }

    /** Removes the entry under {@code key} from both tiers; true when either had it. */
    public CompletableFuture<Boolean> remove(String key) {
        touch(key);
        boolean inMemory = memory != null && memory.remove(key);
        if (disk == null) {
            return CompletableFuture.completedFuture(inMemory);
        }
        return disk.remove(key).thenApply(onDisk -> inMemory || onDisk);
    }

    /**
     * The purge the admin console calls: one key, or every key that starts with {@code keyOrPrefix};
     * completes with how many entries (distinct keys) went.
     */
    public CompletableFuture<Long> purge(String keyOrPrefix, boolean prefix) {
        Objects.requireNonNull(keyOrPrefix, "keyOrPrefix");
        if (!prefix) {
            return remove(keyOrPrefix).thenApply(had -> had ? 1L : 0L);
        }
        purges.incrementAndGet();
        Set<String> gone = new HashSet<>(memory == null ? List.of() : memory.purgePrefixKeys(keyOrPrefix));
        if (disk == null) {
            return CompletableFuture.completedFuture((long) gone.size());
        }
        return disk.purgePrefixKeys(keyOrPrefix).thenApply(onDisk -> {
            gone.addAll(onDisk);
            return (long) gone.size();
        });
    }

    /** Removes everything from both tiers; completes with how many entries (distinct keys) went. */
    public CompletableFuture<Long> purgeAll() {
        purges.incrementAndGet();
        Set<String> inMemory = memory == null ? Set.of() : memory.keys();
        if (memory != null) {
            memory.purgeAll();
        }
        if (disk == null) {
            return CompletableFuture.completedFuture((long) inMemory.size());
        }
        return disk.purgeAll(inMemory);
    }

    private void touch(String key) {
        stamps.incrementAndGet(stripe(key));
    }

    private static int stripe(String key) {
        return Math.floorMod(key.hashCode(), STAMPS);
    }

    /** The stage's own counters (collapsed requests, revalidations, stale answers, bypasses). */
    public CacheCounters counters() {
        return counters;
    }

    /** The statistics now, as one immutable view. */
    public CacheStatsView stats() {
        long mHits = memoryHits.sum();
        long mMisses = memoryMisses.sum();
        long dHits = diskHits.sum();
        long dMisses = diskMisses.sum();
        long hits = mHits + dHits;
        long misses = disk != null ? dMisses : mMisses;
        double ratio = hits + misses == 0 ? 0 : Math.min(1.0, (double) hits / (hits + misses));
        return new CacheStatsView(
            memory != null,
            disk != null,
            mHits, mMisses, dHits, dMisses, ratio,
            memory == null ? 0 : memory.weightedBytes(),
            memory == null ? 0 : memory.maximumBytes(),
            memory == null ? 0 : memory.entries(),
            memory == null ? 0 : memory.evictions(),
            disk == null ? 0 : disk.bytes(),
            disk == null ? 0 : disk.maximumBytes(),
            disk == null ? 0 : disk.entries(),
            disk == null ? 0 : disk.evictions(),
            disk == null ? 0 : disk.damaged(),
            disk == null ? 0 : disk.errors(),
            disk == null ? 0 : disk.notWritten(),
            disk != null && disk.startedEmpty(),
            counters.collapsed(), counters.revalidations(), counters.staleServed(), counters.bypasses());
    }

    /** The spec the store was opened with. */
    public CacheStoreSpec spec() {
        return spec;
    }

    /** The memory tier, or null when none (tests). */
    MemoryTier memoryTier() {
        return memory;
    }

    /** The disk tier, or null when none (tests). */
    DiskTier diskTier() {
        return disk;
    }

    /** Closes cleanly: the memory tier is let go, the disk tier persists its entries for the next start. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (memory != null) {
            memory.purgeAll();
        }
        if (disk != null) {
            disk.close();
        }
    }
}
