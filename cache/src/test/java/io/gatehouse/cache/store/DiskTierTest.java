package io.gatehouse.cache.store;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

import static io.gatehouse.cache.store.StoreFixtures.DISK_THREAD;
import static io.gatehouse.cache.store.StoreFixtures.MIB;
import static io.gatehouse.cache.store.StoreFixtures.await;
import static io.gatehouse.cache.store.StoreFixtures.bytes;
import static io.gatehouse.cache.store.StoreFixtures.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiskTierTest {

    private static final long SIZE = 32 * MIB;

    @TempDir
    Path tmp;

    private final ExecutorService executor = StoreFixtures.diskExecutor(2);
    private final List<DiskTier> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(DiskTier::close);
        executor.shutdown();
    }

    private DiskTier open(Path dir) {
        return open(dir, executor);
    }

    private DiskTier open(Path dir, java.util.concurrent.Executor on) {
        DiskTier t = DiskTier.open(dir, SIZE, 8 * MIB, 64 * MIB, on);
        opened.add(t);
        return t;
    }

    @Test
    void anEntryWrittenIsReadBackWhole() throws Exception {
        DiskTier t = open(tmp.resolve("cache"));
        StoredResponse r = entry("GET http://a.example/", 100_000, 1);
        await(t.put(r));
        StoredResponse back = await(t.get(r.key()));
        assertNotNull(back);
        assertArrayEquals(bytes(r), bytes(back));
        assertEquals(r.headers(), back.headers());
        assertNull(await(t.get("GET http://a.example/other")));
        assertEquals(1, t.entries());
        assertTrue(t.bytes() >= 100_000, "bytes in use " + t.bytes());
    }

    @Test
    void anEntryAsLargeAsTheLargestObjectFitsOnDisk() throws Exception {
        DiskTier t = open(tmp.resolve("cache"));
        for (int i = 0; i < 3; i++) {
            StoredResponse r = entry("big" + i, (int) (8 * MIB), i);
            await(t.put(r));
            StoredResponse back = await(t.get(r.key()));
            assertNotNull(back, "an 8 MiB entry in a 32 MiB tier, round " + i);
            assertEquals(r.checksum(), back.checksum());
        }
        assertEquals(0, t.errors());
    }

    @Test
    void everyOperationRunsOnTheDiskExecutorNeverOnTheCallingThread() throws Exception {
        StoreFixtures.GatedExecutor gated = new StoreFixtures.GatedExecutor();
        try {
            DiskTier t = open(tmp.resolve("cache"), gated);
            StoredResponse r = entry("k", 1000, 1);
            List<CompletableFuture<?>> ops = List.of(t.put(r), t.get("k"), t.remove("other"),
                t.purgePrefix("x"), t.purgeAll());
            for (CompletableFuture<?> op : ops) {
                assertFalse(op.isDone(), "nothing ran on the calling thread while the executor held its tasks");
            }
            gated.open();
            for (CompletableFuture<?> op : ops) {
                await(op);
            }
            assertFalse(gated.ranOn.isEmpty());
            assertTrue(gated.ranOn.stream().allMatch(n -> n.startsWith(DISK_THREAD)), gated.ranOn.toString());
            assertEquals(0, t.errors());
        } finally {
            gated.shutdown();
        }
    }

    @Test
    void entriesSurviveACleanCloseAndReopen() throws Exception {
        Path dir = tmp.resolve("cache");
        StoredResponse r = storeAndClose(dir, entry("GET http://a.example/kept", 300_000, 5));
        assertFalse(Files.exists(dir.resolve(DiskTier.MARKER)), "a clean close removes the marker");

        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            DiskTier second = open(dir);
            StoredResponse back = await(second.get(r.key()));
            assertNotNull(back, "kept over a clean restart");
            assertArrayEquals(bytes(r), bytes(back));
            assertFalse(second.startedEmpty());
            assertEquals(List.of(), log.lines(Level.WARN));
        }
    }

    /**
     * Ehcache keeps the value type with the entries; before the disk tier read values as views of
     * Ehcache's buffers ({@link DiskValues}) it was {@code byte[]}. Such a directory, closed cleanly,
     * must not leave the tier without a disk: it starts empty with one warning and then works.
     */
    @Test
    void entriesLeftByTheEarlierByteArrayFormStartEmptyWithAWarningAndTheTierWorks() throws Exception {
        Path dir = tmp.resolve("cache");
        java.io.File entries = dir.resolve(DiskTier.ENTRIES).toFile();
        try (org.ehcache.PersistentCacheManager old = org.ehcache.config.builders.CacheManagerBuilder
                .newCacheManagerBuilder()
                .with(org.ehcache.config.builders.CacheManagerBuilder.persistence(entries))
                .withCache("responses", org.ehcache.config.builders.CacheConfigurationBuilder
                    .newCacheConfigurationBuilder(String.class, byte[].class,
                        org.ehcache.config.builders.ResourcePoolsBuilder.newResourcePoolsBuilder()
                            .disk(SIZE, org.ehcache.config.units.MemoryUnit.B, true)))
                .build(true)) {
            old.getCache("responses", String.class, byte[].class).put("GET http://a.example/old", new byte[] {1, 2, 3});
        }
        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            DiskTier t = open(dir);
            assertTrue(t.usable());
            assertEquals(1, log.lines(Level.WARN).size(), log.lines(Level.WARN).toString());
            assertTrue(log.lines(Level.WARN).get(0).contains("starts empty"), log.lines(Level.WARN).get(0));
            assertNull(await(t.get("GET http://a.example/old")));
            StoredResponse r = entry("GET http://a.example/new", 40_000, 3);
            await(t.put(r));
            assertArrayEquals(bytes(r), bytes(await(t.get(r.key()))));
        }
    }

    /**
     * A run that stops without closing leaves the marker, and whatever Ehcache's files hold then. The
     * copy taken while the tier is open is that state; opening it must warn once and start empty, and
     * the tier must be usable.
     */
    @Test
    void aTierLeftOpenByTheLastRunStartsEmptyAndSaysSoOnce() throws Exception {
        Path dir = tmp.resolve("cache");
        DiskTier running = open(dir);
        StoredResponse r = entry("GET http://a.example/lost", 50_000, 6);
        await(running.put(r));
        Path crashed = tmp.resolve("crashed");
        copyTree(dir, crashed);
        assertTrue(Files.exists(crashed.resolve(DiskTier.MARKER)));

        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            DiskTier after = open(crashed);
            assertTrue(after.startedEmpty());
            assertEquals(1, log.lines(Level.WARN).size(), log.lines(Level.WARN).toString());
            assertTrue(log.lines(Level.WARN).get(0).startsWith(DiskTier.UNCLEAN_WARNING), log.lines(Level.WARN).get(0));
            assertNull(await(after.get(r.key())), "nothing from the run that did not close");
            assertEquals(0, after.entries());

            StoredResponse fresh = entry("GET http://a.example/new", 10_000, 7);
            await(after.put(fresh));
            assertNotNull(await(after.get(fresh.key())), "and usable");
            assertEquals(0, after.errors());
        }
        assertNotNull(await(running.get(r.key())), "the running tier kept its entry");
    }

    /**
     * Ehcache notices by itself a store it did not close; Gatehouse's marker decides anyway. Here the
     * store closed but the marker stayed (the process died before it finished closing): the tier must
     * still start empty, and say so.
     */
    @Test
    void theMarkerDecidesEvenWhenTheStoreItselfClosedCleanly() throws Exception {
        Path dir = tmp.resolve("cache");
        StoredResponse r = storeAndClose(dir, entry("GET http://a.example/half-closed", 5_000, 9));
        Files.writeString(dir.resolve(DiskTier.MARKER), "left by a run that died while closing\n");

        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            DiskTier second = open(dir);
            assertTrue(second.startedEmpty());
            assertNull(await(second.get(r.key())));
            assertEquals(1, log.lines(Level.WARN).size(), log.lines(Level.WARN).toString());
        }
    }

    @Test
    void aSecondTierOnTheSameDirectoryIsRefusedWithoutHarmingTheFirst() throws Exception {
        Path dir = tmp.resolve("cache");
        DiskTier first = open(dir);
        StoredResponse r = entry("k", 1000, 1);
        await(first.put(r));
        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            DiskTier second = open(dir);
            assertFalse(second.usable());
            assertEquals(1, second.errors());
            assertNull(await(second.get("k")));
            assertTrue(log.lines(Level.WARN).get(0).contains("in use"), log.lines(Level.WARN).toString());
        }
        assertNotNull(await(first.get("k")));
        assertTrue(Files.exists(dir.resolve(DiskTier.MARKER)), "the first tier's marker is left alone");
    }

    @Test
    void aDirectoryThatCannotBeUsedGivesATierThatAnswersAbsent() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        DiskTier t = open(file.resolve("cache"));
        assertFalse(t.usable());
        assertEquals(1, t.errors());
        assertNull(await(t.get("k")));
        await(t.put(entry("k", 10, 1))); // no exception, nothing stored
        assertEquals(0L, await(t.purgeAll()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flipped body byte", "truncated", "another version"})
    void aDamagedEntryIsRemovedCountedAndNeverReturned(String damage) throws Exception {
        DiskTier t = open(tmp.resolve("cache"));
        StoredResponse r = entry("GET http://a.example/damaged", 20_000, 3);
        byte[] bytes = r.serialise();
        switch (damage) {
            case "flipped body byte":
                bytes[bytes.length - 100] ^= 0x10;
                break;
            case "truncated":
                bytes = Arrays.copyOf(bytes, bytes.length - 1000);
                break;
            default:
                bytes[4] = (byte) (StoredResponse.VERSION + 1);
        }
        await(t.putBytes(r.key(), bytes));
        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            assertNull(await(t.get(r.key())));
            assertNull(await(t.get(r.key())), "removed: the second read is a plain miss");
            assertEquals(1, t.damaged());
            assertFalse(await(t.contains(r.key())));
            assertEquals(1, log.lines(Level.WARN).size(), log.lines(Level.WARN).toString());
        }
    }

    @Test
    void anEntryStoredUnderAnotherKeyCountsAsDamaged() throws Exception {
        DiskTier t = open(tmp.resolve("cache"));
        await(t.putBytes("GET http://a.example/one", entry("GET http://a.example/two", 100, 1).serialise()));
        assertNull(await(t.get("GET http://a.example/one")));
        assertEquals(1, t.damaged());
    }

    @Test
    void failedWritesAreCountedAndLoggedOnceForTheirKind() throws Exception {
        // a tier of 4 MiB told it may take 8 MiB objects: the store refuses them
        DiskTier t = DiskTier.open(tmp.resolve("small"), 4 * MIB, 8 * MIB, 64 * MIB, executor);
        opened.add(t);
        try (StoreFixtures.LogCapture log = new StoreFixtures.LogCapture(DiskTier.class)) {
            for (int i = 0; i < 3; i++) {
                await(t.put(entry("big" + i, (int) (6 * MIB), i)));
            }
            assertEquals(3, t.errors());
            assertEquals(1, log.lines(Level.WARN).size(), log.lines(Level.WARN).toString());
            assertNull(await(t.get("big0")));
        }
        StoredResponse small = entry("small", 1000, 1);
        await(t.put(small));
        assertNotNull(await(t.get("small")), "the tier still works");
    }

    @Test
    void anEntryLargerThanTheTierTakesIsNotWrittenAndItsOlderVersionGoes() throws Exception {
        DiskTier t = DiskTier.open(tmp.resolve("cache"), SIZE, 100_000, 64 * MIB, executor);
        opened.add(t);
        await(t.put(entry("k", 1000, 1)));
        await(t.put(entry("k", 200_000, 2)));
        assertNull(await(t.get("k")));
        assertEquals(1, t.notWritten());
        assertEquals(0, t.errors());
    }

    @Test
    void purgeByPrefixAndPurgeAllRemoveWhatTheySay() throws Exception {
        DiskTier t = open(tmp.resolve("cache"));
        for (String k : List.of("GET http://a.example/img/1", "GET http://a.example/img/2", "GET http://a.example/x",
            "GET http://b.example/img/1")) {
            await(t.put(entry(k, 1000, k.hashCode())));
        }
        assertEquals(2L, await(t.purgePrefix("GET http://a.example/img/")));
        assertNull(await(t.get("GET http://a.example/img/1")));
        assertNotNull(await(t.get("GET http://a.example/x")));
        assertNotNull(await(t.get("GET http://b.example/img/1")));
        assertEquals(2L, await(t.purgeAll()));
        assertNull(await(t.get("GET http://a.example/x")));
        assertEquals(0, t.entries());
    }

    /**
     * Writes still waiting for the disk when a purge comes: those of the purged prefix are dropped (so a
     * purge never lets an answer it covers land after it), those of other keys land as asked.
     */
    @Test
    void aPurgeDropsTheWaitingWritesItCoversAndOnlyThose() throws Exception {
        StoreFixtures.GatedExecutor gated = new StoreFixtures.GatedExecutor();
        try {
            DiskTier t = open(tmp.resolve("cache"), gated);
            String kept = "GET http://a.example/x";
            String purged = "GET http://a.example/img/1";
            CompletableFuture<Void> keptWrite = t.put(entry(kept, 1000, 1));
            CompletableFuture<Void> purgedWrite = t.put(entry(purged, 1000, 2));
            CompletableFuture<Long> purge = t.purgePrefix("GET http://a.example/img/");
            gated.open();
            await(keptWrite);
            await(purgedWrite);
            await(purge);
            assertNotNull(await(t.get(kept)), "a write the purge does not cover lands");
            assertNull(await(t.get(purged)), "a write the purge covers does not");

            CompletableFuture<Void> beforeAll = t.put(entry("GET http://b.example/", 1000, 3));
            await(t.purgeAll());
            await(beforeAll);
            assertNull(await(t.get("GET http://b.example/")), "purging everything covers every waiting write");
            CompletableFuture<Void> after = t.put(entry("GET http://b.example/", 1000, 4));
            await(after);
            assertNotNull(await(t.get("GET http://b.example/")), "a write asked for after the purge lands");
            assertEquals(0, t.errors());
        } finally {
            gated.shutdown();
        }
    }

    @Test
    void writesOfOneKeyLandInTheOrderTheyWereAskedFor() throws Exception {
        DiskTier t = open(tmp.resolve("cache"));
        CompletableFuture<?> last = null;
        for (int i = 0; i < 50; i++) {
            last = t.put(entry("k", 100 + i, i));
        }
        await(last);
        assertEquals(149, await(t.get("k")).length());
        t.put(entry("k", 10, 1));
        await(t.remove("k"));
        assertNull(await(t.get("k")));
    }

    /** Opens a tier in {@code dir}, stores {@code r}, closes the tier cleanly; returns {@code r}. */
    private StoredResponse storeAndClose(Path dir, StoredResponse r) throws Exception {
        DiskTier t = open(dir);
        await(t.put(r));
        t.close();
        return r;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
