package io.gatehouse.cache.store;

import org.ehcache.Cache;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.spi.service.StatisticsService;
import org.ehcache.core.statistics.TierStatistics;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The disk tier: answers kept in files under {@code cache_dir}, up to {@code cache_disk} bytes, that
 * survive a clean restart.
 *
 * <p>Every operation runs on the disk executor given (never on the thread that asks) and answers with
 * a future that never fails: a disk that fails is counted as a disk error and logged once for each
 * kind of operation, and the operation answers "absent". An entry that does not read back as written
 * is removed, counted as damaged and answered as absent. Operations on one key keep their order.
 *
 * <p>Gatehouse writes {@code gatehouse.open} in {@code cache_dir} when the tier opens and removes it
 * when it closes cleanly. Finding it at open means the last run stopped without closing (a crash, a
 * kill): the tier logs one warning and starts empty, whatever the files hold. {@code gatehouse.lock}
 * keeps a second process (or a second tier in this one) off the same directory. The entries
 * themselves live under {@code cache_dir/entries}, in Ehcache's persistent disk store.
 */
public final class DiskTier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);

    static final String MARKER = "gatehouse.open";
    static final String LOCK = "gatehouse.lock";
    static final String ENTRIES = "entries";
    private static final String CACHE = "responses";
    static final String UNCLEAN_WARNING = "the disk cache was not closed cleanly; it starts empty";

    /** Lanes keeping per-key order; reads and writes of different keys run side by side. */
    private static final int LANES = 8;
    /** Purges remembered for the writes still waiting for the disk (older ones count as covering every key). */
    private static final int PURGES_KEPT = 64;
    /** How long close waits for queued operations. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    /** What failed, for counting and for logging each kind once. */
    enum Failure {
        OPEN("open"), READ("read"), WRITE("write"), REMOVE("remove"), PURGE("purge"), CLOSE("close"),
        EXECUTOR("executor (refused a task)");

        final String words;

        Failure(String words) {
            this.words = words;
        }
    }

    private final Path dir;
    private final long maximumBytes;
    private final long maxEntryBytes;
    private final long maxBacklogBytes;
    private final DiskLanes lanes;
    private final Executor executor;
    private final boolean startedEmpty;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final PersistentCacheManager manager;
    private final StatisticsService statistics;
    private final Cache<String, ByteBuffer> cache;

    /** Counts purges; a write remembers it when asked for, to learn on disk whether a purge came in between. */
    private final AtomicLong purgeGeneration = new AtomicLong();
    /** The latest purges (at most {@link #PURGES_KEPT}), oldest first; guarded by itself. */
    private final ArrayDeque<Purge> purges = new ArrayDeque<>();
    private final AtomicLong backlogBytes = new AtomicLong();
    private final LongAdder damaged = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder notWritten = new LongAdder();
    private final Set<Failure> logged = EnumSet.noneOf(Failure.class);
    private volatile boolean damagedLogged;
    private volatile boolean closed;

    private DiskTier(Path dir, long maximumBytes, long maxEntryBytes, long maxBacklogBytes, Executor executor,
                     boolean startedEmpty, FileChannel lockChannel, FileLock lock, PersistentCacheManager manager,
                     StatisticsService statistics) {
        this.dir = dir;
        this.maximumBytes = maximumBytes;
        this.maxEntryBytes = maxEntryBytes;
        this.maxBacklogBytes = maxBacklogBytes;
        this.executor = executor;
        this.lanes = new DiskLanes(executor, LANES);
        this.startedEmpty = startedEmpty;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.manager = manager;
        this.statistics = statistics;
        this.cache = manager == null ? null : manager.getCache(CACHE, String.class, ByteBuffer.class);
    }

    /**
     * Opens the tier in {@code dir}, {@code maximumBytes} large. Never fails for the disk's sake: a
     * directory that cannot be used gives a tier that is counted as failed, logs why once, and answers
     * every lookup "absent" ({@link #usable()} is false).
     *
     * @param maxEntryBytes   the largest body the tier takes (larger ones are not written)
     * @param maxBacklogBytes the most body bytes waiting to be written; past it a write is dropped (and
     *                        the key's older entry removed), so a slow disk cannot pile answers up on the heap
     * @param executor        where every disk operation runs
     */
    public static DiskTier open(Path dir, long maximumBytes, long maxEntryBytes, long maxBacklogBytes, Executor executor) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(executor, "executor");
        if (maximumBytes <= 0) {
            throw new IllegalArgumentException("maximumBytes: " + maximumBytes + " (expected: > 0; a tier of 0 is not made)");
        }
        FileChannel channel = null;
        FileLock lock = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return failedToOpen(dir, maximumBytes, executor,
                    "cache_dir " + dir + " is in use by another Gatehouse process or disk tier");
            }
            boolean unclean = Files.exists(dir.resolve(MARKER));
            if (unclean) {
                LOG.warn(UNCLEAN_WARNING + " ({})", dir);
                deleteTree(dir.resolve(ENTRIES));
            }
            Files.writeString(dir.resolve(MARKER), "Gatehouse disk cache open since " + java.time.Instant.now() + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
            DefaultStatisticsService statistics = new DefaultStatisticsService();
            PersistentCacheManager manager;
            try {
                manager = buildManager(dir, maximumBytes, statistics);
            } catch (RuntimeException first) {
                // whatever the files held, they are not worth keeping: start empty rather than without a disk tier
                LOG.warn("the disk cache could not be opened ({}); it starts empty ({})", first.toString(), dir);
                deleteTree(dir.resolve(ENTRIES));
                statistics = new DefaultStatisticsService();
                manager = buildManager(dir, maximumBytes, statistics);
                unclean = true;
            }
            return new DiskTier(dir, maximumBytes, maxEntryBytes, maxBacklogBytes, executor, unclean, channel, lock,
                manager, statistics);
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close(); // releases the lock too
                }
            } catch (IOException ignored) {
                // nothing more to do
            }
            return failedToOpen(dir, maximumBytes, executor, e.toString());
        }
    }

    private static DiskTier failedToOpen(Path dir, long maximumBytes, Executor executor, String why) {
        DiskTier t = new DiskTier(dir, maximumBytes, 0, 0, executor, false, null, null, null, null);
        t.failed(Failure.OPEN, why);
        return t;
    }

    private static PersistentCacheManager buildManager(Path dir, long maximumBytes, StatisticsService statistics) {
        return CacheManagerBuilder.newCacheManagerBuilder()
            .with(CacheManagerBuilder.persistence(dir.resolve(ENTRIES).toFile()))
            .using(statistics)
            .withCache(CACHE, CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, ByteBuffer.class,
                    ResourcePoolsBuilder.newResourcePoolsBuilder().disk(maximumBytes, MemoryUnit.B, true))
                .withValueSerializer(new DiskValues())
                .withResilienceStrategy(new DiskFailures<>()))
            .build(true);
    }

    // ---- operations

    /** The entry under {@code key}, or null when absent, damaged (removed and counted) or the disk failed. */
    public CompletableFuture<StoredResponse> get(String key) {
        return onLane(key, Failure.READ, null, () -> {
            ByteBuffer bytes = cache.get(key);
            if (bytes == null) {
                return null;
            }
            try {
                StoredResponse r = StoredResponse.deserialise(bytes);
                if (!r.key().equals(key)) {
                    throw new DamagedEntryException("stored entry has key " + r.key());
                }
                return r;
            } catch (DamagedEntryException e) {
                discardDamaged(key, e);
                return null;
            }
        });
    }

    private void discardDamaged(String key, DamagedEntryException e) {
        damaged.increment();
        if (!damagedLogged) {
            damagedLogged = true;
            LOG.warn("a damaged disk cache entry was discarded ({}); further ones are counted, not logged", e.getMessage());
        }
        cache.remove(key);
    }

    /**
     * Writes the entry, replacing any under its key. An entry larger than the tier takes, or one that
     * would push the write backlog past its bound, is not written and the key's older entry is removed.
     * An entry asked for before a purge of its key (or of a prefix of it, or of everything) that has not
     * been written by then is not written; purges of other keys do not hold it up.
     */
    public CompletableFuture<Void> put(StoredResponse r) {
        String key = r.key();
        long length = r.length();
        if (length > maxEntryBytes) {
            notWritten.increment();
            return remove(key).thenApply(had -> null);
        }
        if (backlogBytes.addAndGet(length) > maxBacklogBytes) {
            backlogBytes.addAndGet(-length);
            notWritten.increment();
            return remove(key).thenApply(had -> null);
        }
        long generation = purgeGeneration.get();
        return onLane(key, Failure.WRITE, null, () -> {
            try {
                if (purgedSince(generation, key)) {
                    cache.remove(key); // a purge of it came in between: write nothing, and keep nothing older either
                    return null;
                }
                ByteBuffer bytes = ByteBuffer.wrap(r.serialise());
                try {
                    cache.put(key, bytes);
                } catch (RuntimeException e) {
                    removeQuietly(key); // the older entry must not outlive a newer one that failed to land
                    throw e;
                }
                return null;
            } finally {
                backlogBytes.addAndGet(-length);
            }
        });
    }

    private void removeQuietly(String key) {
        try {
            cache.remove(key);
        } catch (RuntimeException ignored) {
            // counted with the write that failed
        }
    }

    /** Removes the entry under {@code key}; true when there was one. */
    public CompletableFuture<Boolean> remove(String key) {
        return onLane(key, Failure.REMOVE, false, () -> {
            boolean had = cache.containsKey(key);
            cache.remove(key);
            return had;
        });
    }

    /**
     * Removes every entry whose key starts with {@code prefix}; how many went. Walks the whole tier on
     * the disk executor, reading each entry once.
     */
    public CompletableFuture<Long> purgePrefix(String prefix) {
        return purgePrefixKeys(prefix).thenApply(keys -> (long) keys.size());
    }

    /** As {@link #purgePrefix}, completing with the keys that went. */
    CompletableFuture<List<String>> purgePrefixKeys(String prefix) {
        notePurge(prefix);
        return unordered(Failure.PURGE, List.of(), () -> {
            List<String> keys = new ArrayList<>();
            for (Cache.Entry<String, ByteBuffer> e : cache) {
                if (e.getKey().startsWith(prefix)) {
                    keys.add(e.getKey());
                }
            }
            for (String k : keys) {
                cache.remove(k);
            }
            return keys;
        });
    }

    /** Removes everything; how many entries went (as counted just before). */
    public CompletableFuture<Long> purgeAll() {
        return purgeAll(Set.of());
    }

    /**
     * Removes everything; completes with how many entries went plus how many of {@code alsoGone}
     * (keys just purged elsewhere) were not on disk: the distinct keys purged from both tiers.
     */
    CompletableFuture<Long> purgeAll(Set<String> alsoGone) {
        notePurge("");
        return unordered(Failure.PURGE, (long) alsoGone.size(), () -> {
            long n = entries();
            for (String k : alsoGone) {
                if (!cache.containsKey(k)) {
                    n++;
                }
            }
            cache.clear();
            return n;
        });
    }

    /** A purge of every key that starts with {@code prefix} ("" for everything), numbered {@code generation}. */
    private record Purge(long generation, String prefix) {
    }

    private void notePurge(String prefix) {
        synchronized (purges) {
            purges.addLast(new Purge(purgeGeneration.incrementAndGet(), prefix));
            if (purges.size() > PURGES_KEPT) {
                purges.removeFirst();
            }
        }
    }

    /**
     * Whether a purge after {@code generation} covers {@code key}. When more purges came in between than
     * are kept, the forgotten ones are taken to cover it: the write is dropped, never an old entry kept.
     */
    private boolean purgedSince(long generation, String key) {
        if (purgeGeneration.get() == generation) {
            return false;
        }
        synchronized (purges) {
            Purge oldest = purges.peekFirst();
            if (oldest == null || oldest.generation() > generation + 1) {
                return true;
            }
            for (Purge p : purges) {
                if (p.generation() > generation && key.startsWith(p.prefix())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether {@code key} is on disk (tests, and purge counting); no entry is read. */
    CompletableFuture<Boolean> contains(String key) {
        return onLane(key, Failure.READ, false, () -> cache.containsKey(key));
    }

    /** Writes raw bytes under {@code key}, as if a stored entry had been damaged on disk (tests). */
    CompletableFuture<Void> putBytes(String key, byte[] bytes) {
        return onLane(key, Failure.WRITE, null, () -> {
            cache.put(key, ByteBuffer.wrap(bytes));
            return null;
        });
    }

    // ---- running operations

    @FunctionalInterface
    private interface DiskOp<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> onLane(String key, Failure kind, T absent, DiskOp<T> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!usable()) {
            result.complete(absent);
            return result;
        }
        lanes.execute(key, task(result, kind, absent, op));
        return result;
    }

    private <T> CompletableFuture<T> unordered(Failure kind, T absent, DiskOp<T> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!usable()) {
            result.complete(absent);
            return result;
        }
        DiskLanes.Task task = task(result, kind, absent, op);
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.abandon();
        }
        return result;
    }

    private <T> DiskLanes.Task task(CompletableFuture<T> result, Failure kind, T absent, DiskOp<T> op) {
        return new DiskLanes.Task() {
            @Override
            public void run() {
                if (cache == null || manager.getStatus() != org.ehcache.Status.AVAILABLE) {
                    result.complete(absent);
                    return;
                }
                T value;
                try {
                    value = op.run();
                } catch (Throwable e) { // a disk error of any kind: counted, logged once, answered as absent
                    failed(kind, e.toString());
                    value = absent;
                }
                result.complete(value);
            }

            @Override
            public void abandon() {
                failed(Failure.EXECUTOR, "the disk executor refused a task");
                result.complete(absent);
            }
        };
    }

    private void failed(Failure kind, String why) {
        errors.increment();
        boolean first;
        synchronized (logged) {
            first = logged.add(kind);
        }
        if (first) {
            LOG.warn("disk cache {} failed in {}: {}; further {} failures are counted as disk errors, not logged",
                kind.words, dir, why, kind.words);
        }
    }

    // ---- state

    /** Whether the tier opened and is not closed. */
    public boolean usable() {
        return cache != null && !closed;
    }

    /** Whether the tier started empty because the last run did not close it (or its files could not be read). */
    public boolean startedEmpty() {
        return startedEmpty;
    }

    /** Entries on disk (Ehcache's count). */
    public long entries() {
        TierStatistics t = tier();
        return t == null ? 0 : Math.max(0, t.getMappings());
    }

    /** Bytes of the disk store in use. */
    public long bytes() {
        TierStatistics t = tier();
        return t == null ? 0 : Math.max(0, t.getOccupiedByteSize());
    }

    /** Entries the disk store evicted to stay within its size. */
    public long evictions() {
        TierStatistics t = tier();
        return t == null ? 0 : Math.max(0, t.getEvictions());
    }

    private TierStatistics tier() {
        if (statistics == null || manager == null || manager.getStatus() != org.ehcache.Status.AVAILABLE) {
            return null;
        }
        try {
            return statistics.getCacheStatistics(CACHE).getTierStatistics().get("Disk");
        } catch (RuntimeException e) {
            return null;
        }
    }

    public long maximumBytes() {
        return maximumBytes;
    }

    /** Entries read back damaged, removed and not served. */
    public long damaged() {
        return damaged.sum();
    }

    /** Disk operations that failed (opening included). */
    public long errors() {
        return errors.sum();
    }

    /** Entries not written: larger than the tier takes, or the write backlog was full. */
    public long notWritten() {
        return notWritten.sum();
    }

    /**
     * Closes cleanly: waits (bounded) for queued operations, closes the store so that its entries
     * survive, and removes the marker. Called at shutdown, not on an IO thread.
     */
    @Override
    public void close() {
        if (closed || cache == null) {
            closed = true;
            return;
        }
        closed = true; // new operations answer "absent" at once; those queued run first
        drainLanes();
        try {
            manager.close();
            Files.deleteIfExists(dir.resolve(MARKER));
        } catch (IOException | RuntimeException e) {
            failed(Failure.CLOSE, e.toString()); // the marker stays: the next start begins empty
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException ignored) {
                // the process is stopping
            }
        }
    }

    private void drainLanes() {
        CountDownLatch done = new CountDownLatch(lanes.count());
        for (int i = 0; i < lanes.count(); i++) {
            lanes.executeOn(i, new DiskLanes.Task() {
                @Override
                public void run() {
                    done.countDown();
                }

                @Override
                public void abandon() {
                    done.countDown();
                }
            });
        }
        try {
            if (!done.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("disk cache operations still queued after {} s at close", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteIfThere(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                deleteIfThere(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfThere(Path p) throws IOException {
        try {
            Files.delete(p);
        } catch (NoSuchFileException ignored) {
            // gone already
        }
    }
}
