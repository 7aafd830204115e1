package io.gatehouse.cache.handler;

import io.gatehouse.cache.store.CacheCounters;
import io.gatehouse.cache.store.CacheStatsView;
import io.gatehouse.cache.store.CacheStoreSpec;
import io.gatehouse.cache.store.TieredStore;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.ProxyPassSpec;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The process's response cache: its tiers, the fills on their way (one per key, whichever route caused
 * it), its counters, and the operator's controls: purge one URL, a prefix, or everything, and the
 * statistics. Made once by the assembly when the configuration caches anything, and kept across
 * reloads; every caching route's {@link ResponseCacheHandler} shares it.
 */
public final class ResponseCache implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResponseCache.class);

    private final TieredStore store;
    private final long maxObject;
    private final LongSupplier clock;
    private final ConcurrentMap<String, Fill> fills = new ConcurrentHashMap<>();
    /** How long a key whose last answer was not storable skips collapsing. */
    static final long HIT_FOR_MISS_MS = 10_000;
    /** Keys whose last answer was not storable (bounded, and each forgotten after {@link #HIT_FOR_MISS_MS}). */
    private final Cache<String, Boolean> uncollapsed = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(java.time.Duration.ofMillis(HIT_FOR_MISS_MS)).executor(Runnable::run).build();
    /** The disk tier's threads, shut down at close; null when the caller owns them. */
    private final ExecutorService diskThreads;
    private static final long MB = 1024L * 1024;

    /**
     * @param maxObject {@code cache_max_object}: larger bodies stream through and are not stored
     * @param clock     wall-clock time in epoch millis (RFC 9111's ages and dates)
     */
    public ResponseCache(TieredStore store, long maxObject, LongSupplier clock, ExecutorService diskThreads) {
        this.store = store;
        this.maxObject = maxObject;
        this.clock = clock;
        this.diskThreads = diskThreads;
    }

    /**
     * Opens the cache {@code config} asks for: {@code [proxypass]}'s tiers and directory and the largest
     * {@code num_result_cache_max}; disk work runs on two threads of its own.
     */
    public static ResponseCache open(GatehouseConfig config) {
        ProxyPassSpec p = config.proxyPass();
        CacheStoreSpec spec = new CacheStoreSpec(p.cacheMemoryMb() * MB, p.cacheDiskMb() * MB, p.cacheDir(),
                p.cacheMaxObject(), config.numResultCacheMax());
        ExecutorService disk = Executors.newFixedThreadPool(2, new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "gatehouse-cache-disk-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        });
        TieredStore store = TieredStore.open(spec, disk, ForkJoinPool.commonPool(), Ticker.systemTicker());
        return new ResponseCache(store, p.cacheMaxObject(), System::currentTimeMillis, disk);
    }

    /** True when the two configurations ask for the same tiers (what a running cache cannot change). */
    static boolean sameStore(GatehouseConfig a, GatehouseConfig b) {
        ProxyPassSpec x = a.proxyPass();
        ProxyPassSpec y = b.proxyPass();
        return x.cacheMemoryMb() == y.cacheMemoryMb() && x.cacheDiskMb() == y.cacheDiskMb()
                && x.cacheDir().equals(y.cacheDir()) && x.cacheMaxObject() == y.cacheMaxObject()
                && a.numResultCacheMax() == b.numResultCacheMax();
    }

    /** True when there is a disk tier to look in after a memory miss. */
    boolean hasDisk() {
        return store.spec().diskBytes() > 0;
    }

    TieredStore store() {
        return store;
    }

    CacheCounters counters() {
        return store.counters();
    }

    long maxObject() {
        return maxObject;
    }

    LongSupplier clock() {
        return clock;
    }

    ConcurrentMap<String, Fill> fills() {
        return fills;
    }

    boolean uncollapsed(String key) {
        return uncollapsed.getIfPresent(key) != null;
    }

    void markUncollapsed(String key) {
        uncollapsed.put(key, Boolean.TRUE);
    }

    void clearUncollapsed(String key) {
        uncollapsed.invalidate(key);
    }

    /**
     * Removes what is stored for a URL as a key makes it ({@link CacheKeys#urlPart}): its entry or the
     * marker its variants hang from (which puts them out of reach), and, when the key has header parts,
     * every entry of the URL whatever their values (a scan, done by the store off the IO threads).
     */
    void invalidate(String url, boolean headerParts) {
        store.remove(url);
        if (headerParts) {
            store.purge(url + CacheKeys.HEADER, true);
        }
    }

    /**
     * Purges what is stored under {@code url} (a key as {@code X-Cache} entries are keyed: for the default
     * {@code cache_key}, the URL {@code http://host/path?query}), or, with {@code prefix}, every key that
     * starts with it. Completes with the number of entries removed.
     */
    public CompletableFuture<Long> purge(String url, boolean prefix) {
        if (prefix) {
            return store.purge(url, true);
        }
        CompletableFuture<Boolean> entry = store.remove(url);
        return store.purge(url + CacheKeys.HEADER, true).thenCombine(entry, (n, had) -> had ? n + 1 : n);
    }

    /** Purges everything, in both tiers. */
    public CompletableFuture<Long> purgeAll() {
        return store.purgeAll();
    }

    /** The cache's statistics now: hits, misses, bytes and entries per tier, evictions, collapsed requests, revalidations, disk errors. */
    public CacheStatsView stats() {
        return store.stats();
    }

    /** Closes the tiers cleanly: the disk tier keeps its entries for the next start. */
    @Override
    public void close() {
        CacheStatsView s = store.stats();
        LOG.info("response cache at close: hit ratio {}, memory {} hits {} misses, {} entries {} bytes, {} evictions;"
                + " disk {} hits {} misses, {} entries {} bytes, {} damaged, {} errors; {} collapsed, {} revalidations,"
                + " {} stale answers, {} bypasses", String.format(java.util.Locale.ROOT, "%.3f", s.hitRatio()),
                s.memoryHits(), s.memoryMisses(), s.memoryEntries(), s.memoryBytes(), s.memoryEvictions(), s.diskHits(),
                s.diskMisses(), s.diskEntries(), s.diskBytes(), s.damagedDiscarded(), s.diskErrors(), s.collapsed(),
                s.revalidations(), s.staleServed(), s.bypasses());
        store.close();
        if (diskThreads != null) {
            diskThreads.shutdown();
        }
    }
}
