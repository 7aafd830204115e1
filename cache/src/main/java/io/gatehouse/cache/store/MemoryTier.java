package io.gatehouse.cache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The memory tier: answers kept on the heap, bounded in bytes ({@code [proxypass] cache_memory}) and,
 * through a minimum weight per entry, in number ({@code num_result_cache_max}).
 *
 * <p>Caffeine cannot bound weight and count together, so every entry weighs at least
 * {@code memoryBytes / num_result_cache_max}: at most that many fit. An entry heavier than the whole
 * tier is not kept at all. Lookups never block and never copy a body; Caffeine's upkeep (eviction)
 * runs on the executor given, which tests make the calling thread for determinism.
 */
public final class MemoryTier {

    private final Cache<String, StoredResponse> cache;
    private final Policy.Eviction<String, StoredResponse> eviction;
    private final long maximumBytes;
    private final long minEntryWeight;
    private final LongAdder evictions = new LongAdder();
    private final LongAdder tooHeavy = new LongAdder();

    /**
     * @param maximumBytes   the tier's bound, in bytes of {@link StoredResponse#weight()} (&gt; 0)
     * @param minEntryWeight the least an entry weighs ({@code memoryBytes / num_result_cache_max}; 0 = no count bound)
     * @param maintenance    where Caffeine evicts and does its upkeep
     * @param ticker         Caffeine's clock
     */
    public MemoryTier(long maximumBytes, long minEntryWeight, Executor maintenance, Ticker ticker) {
        if (maximumBytes <= 0) {
            throw new IllegalArgumentException("maximumBytes: " + maximumBytes + " (expected: > 0; a tier of 0 is not made)");
        }
        if (minEntryWeight < 0) {
            throw new IllegalArgumentException("minEntryWeight: " + minEntryWeight + " (expected: >= 0)");
        }
        this.maximumBytes = maximumBytes;
        this.minEntryWeight = minEntryWeight;
        this.cache = Caffeine.newBuilder()
            .maximumWeight(maximumBytes)
            .weigher((String key, StoredResponse r) -> weigh(r))
            .executor(Objects.requireNonNull(maintenance, "maintenance"))
            .ticker(Objects.requireNonNull(ticker, "ticker"))
            .evictionListener((String key, StoredResponse r, RemovalCause cause) -> {
                if (cause.wasEvicted()) {
                    evictions.increment();
                }
            })
            .build();
        this.eviction = cache.policy().eviction().orElseThrow();
    }

    /** The weight Caffeine sees: the entry's own, at least the minimum, at most what an int holds. */
    int weigh(StoredResponse r) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(r.weight(), minEntryWeight));
    }

    /** The entry, or null; no copy, no blocking. */
    public StoredResponse get(String key) {
        return cache.getIfPresent(key);
    }

    /**
     * Keeps the entry, replacing any under its key.
     *
     * @return false when it weighs more than the whole tier: it is not kept, and an older entry under
     *     the same key is dropped, being out of date
     */
    public boolean put(StoredResponse r) {
        if (weigh(r) > maximumBytes) {
            tooHeavy.increment();
            cache.invalidate(r.key());
            return false;
        }
        cache.put(r.key(), r);
        return true;
    }

    /**
     * Keeps an entry read from the disk tier, unless {@code stillCurrent} says (checked atomically with
     * the key's mapping) that the key was written or removed since the read began.
     *
     * @return true when it was kept
     */
    boolean promote(StoredResponse r, BooleanSupplier stillCurrent) {
        if (weigh(r) > maximumBytes) {
            tooHeavy.increment();
            return false;
        }
        boolean[] kept = {false};
        cache.asMap().compute(r.key(), (k, present) -> {
            if (stillCurrent.getAsBoolean()) {
                kept[0] = true;
                return r;
            }
            return present;
        });
        return kept[0];
    }

    /** Drops the entry under {@code key}; true when there was one. */
    public boolean remove(String key) {
        return cache.asMap().remove(key) != null;
    }

    /** Drops every entry whose key starts with {@code prefix}; how many went. Walks the keys: not for an IO thread. */
    public long purgePrefix(String prefix) {
        return purgePrefixKeys(prefix).size();
    }

    /** Drops every entry whose key starts with {@code prefix}; the keys that went. */
    List<String> purgePrefixKeys(String prefix) {
        List<String> gone = new ArrayList<>();
        for (String k : cache.asMap().keySet()) {
            if (k.startsWith(prefix) && remove(k)) {
                gone.add(k);
            }
        }
        return gone;
    }

    /** The keys kept now (a copy). */
    Set<String> keys() {
        return new HashSet<>(cache.asMap().keySet());
    }

    /** Drops everything; how many entries went (as counted just before). */
    public long purgeAll() {
        long n = cache.estimatedSize();
        cache.invalidateAll();
        return n;
    }

    /** Entries kept (Caffeine's estimate: exact once upkeep has run). */
    public long entries() {
        return cache.estimatedSize();
    }

    /** The weight kept, in bytes as weighed (each entry at least the minimum weight). */
    public long weightedBytes() {
        return eviction.weightedSize().orElse(0);
    }

    public long maximumBytes() {
        return maximumBytes;
    }

    public long minEntryWeight() {
        return minEntryWeight;
    }

    /** Entries evicted to keep the bound. */
    public long evictions() {
        return evictions.sum();
    }

    /** Entries refused for weighing more than the tier. */
    public long refusedTooHeavy() {
        return tooHeavy.sum();
    }

    /** Runs Caffeine's pending upkeep now (tests; the store does not need it). */
    void cleanUp() {
        cache.cleanUp();
    }
}
