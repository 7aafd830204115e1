package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.cache.store.CacheStatsView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk tier through the real proxy: entries are served from disk (and a disk hit is brought into
 * memory); they survive a clean stop and start of the real process (SIGTERM); after a SIGKILL the next
 * run starts with an empty disk tier and says so in its log; and a stored entry damaged on disk is
 * never served. The origin counts its requests: the count says where each answer came from.
 */
@Timeout(120)
class CacheDiskTierTest {
    static final String FRESH = FlowOrigin.FRESH;
    static final String TARGET = "/disk/entry";
    /** Large enough that its bytes span the middle of the disk store's data file. */
    static final int SIZE = 300_000;

    @TempDir
    Path tmp;

    FlowOrigin origin;
    final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void startOrigin() throws Exception {
        origin = FlowOrigin.start();
        origin.serve(TARGET, SIZE, FRESH);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        origin.close();
    }

    private String proxypass(int memoryMb) {
        return "cache_memory = " + memoryMb + "\ncache_disk = 64\ncache_dir = " + tmp.resolve("cache");
    }

    private GatehouseHarness inProcess(String name, int memoryMb) throws IOException {
        GatehouseHarness g = GatehouseHarness.start(Files.createDirectories(tmp.resolve(name)),
                FlowClient.site("${PORT}", origin.port(), proxypass(memoryMb)));
        running.add(g);
        return g;
    }

    private FlowProcess process(String name) throws IOException {
        FlowProcess p = FlowProcess.start(tmp, name, FlowClient.site("${PORT}", origin.port(), proxypass(16)));
        running.add(p);
        return p;
    }

    private static CacheStatsView stats(GatehouseHarness g) {
        return g.assembly().cache().orElseThrow().stats();
    }

    /** GETs {@link #TARGET}, asserts the whole correct body and the X-Cache status. */
    private static void getAndExpect(int port, String xCache) throws Exception {
        HttpResponse<byte[]> r = new FlowClient(port).get(TARGET);
        assertEquals(200, r.statusCode());
        assertArrayEquals(FlowOrigin.body(TARGET, SIZE), r.body(), "the whole, correct body");
        assertEquals(xCache, FlowClient.xCache(r));
    }

    @Test
    void withNoMemoryTierEntriesAreServedFromDisk() throws Exception {
        GatehouseHarness g = inProcess("run", 0);
        getAndExpect(g.port, "MISS");
        FlowClient.await(10, () -> stats(g).diskEntries() == 1, "the entry is written to disk");
        getAndExpect(g.port, "HIT");
        getAndExpect(g.port, "HIT");
        assertEquals(1, origin.requests(TARGET), "the hits did not go to the origin");
        CacheStatsView s = stats(g);
        assertFalse(s.memoryTier());
        assertEquals(2, s.diskHits());
        assertEquals(0, s.memoryEntries());
    }

    @Test
    void aDiskHitIsBroughtIntoMemory() throws Exception {
        GatehouseHarness first = inProcess("first", 16);
        getAndExpect(first.port, "MISS");
        FlowClient.await(10, () -> stats(first).diskEntries() == 1, "the entry is written to disk");
        first.close(); // a clean stop: the disk tier keeps the entry, the memory tier is gone
        running.remove(first);

        GatehouseHarness second = inProcess("second", 16);
        assertEquals(0, stats(second).memoryEntries(), "a new run's memory tier starts empty");
        getAndExpect(second.port, "HIT");
        CacheStatsView afterDiskHit = stats(second);
        assertEquals(1, afterDiskHit.diskHits(), "answered from disk");
        assertEquals(1, afterDiskHit.memoryEntries(), "and brought into memory");
        getAndExpect(second.port, "HIT");
        CacheStatsView afterMemoryHit = stats(second);
        assertEquals(1, afterMemoryHit.memoryHits(), "the next hit is a memory hit");
        assertEquals(1, afterMemoryHit.diskHits(), "with no second disk lookup");
        assertEquals(1, origin.requests(TARGET));
    }

    @Test
    void entriesSurviveACleanStopAndStartOfTheProcess() throws Exception {
        FlowProcess first = process("first");
        getAndExpect(first.port, "MISS");
        getAndExpect(first.port, "HIT");
        first.stop();

        FlowProcess second = process("second");
        getAndExpect(second.port, "HIT");
        assertEquals(1, origin.requests(TARGET), "the second run answered from what the first one stored");
        second.stop();
        assertFalse(second.log().contains("not closed cleanly"), second.log());
    }

    @Test
    void afterAKillTheNextRunStartsWithAnEmptyDiskTierServesAndSaysSo() throws Exception {
        FlowProcess first = process("first");
        getAndExpect(first.port, "MISS");
        FlowClient.await(10, () -> storedBodyOffset(largestEntriesFile()) >= 0, "the entry reached the disk store's file");
        first.kill();

        FlowProcess second = process("second");
        getAndExpect(second.port, "MISS");
        assertEquals(2, origin.requests(TARGET), "the entry the killed run wrote is not used");
        getAndExpect(second.port, "HIT");
        assertEquals(2, origin.requests(TARGET), "and the cache works on");
        assertTrue(second.log().contains("the disk cache was not closed cleanly; it starts empty"), second.log());
        second.stop();
    }

    /** A first run stores the entry and stops cleanly: the largest file of its disk store. */
    private Path storedByACleanRun() throws Exception {
        FlowProcess first = process("first");
        getAndExpect(first.port, "MISS");
        first.stop();
        return largestEntriesFile();
    }

    /** A second run, started on the damaged store, answers from the origin. */
    private FlowProcess secondRunAsksTheOrigin() throws Exception {
        FlowProcess second = process("second");
        getAndExpect(second.port, "MISS");
        assertEquals(2, origin.requests(TARGET), "the damaged entry was not served: the origin was asked again");
        return second;
    }

    @Test
    void aStoredBodyDamagedOnDiskIsDiscardedNotServed() throws Exception {
        Path data = storedByACleanRun();
        long body = storedBodyOffset(data);
        assertTrue(body >= 0, "the stored body is in " + data);
        flip(data, body + SIZE / 2, 32);

        FlowProcess second = secondRunAsksTheOrigin();
        getAndExpect(second.port, "HIT");
        second.stop();
        assertTrue(second.log().contains("a damaged disk cache entry was discarded (stored entry body checksum disagrees)"),
                second.log());
    }

    /**
     * Bytes flipped in the middle of the disk store's largest file (whatever of Ehcache's own record
     * they hit) never reach a client: the next run answers from the origin. Which of Gatehouse's log
     * lines says what happened depends on what the bytes were: an entry whose checksum disagrees, a read
     * the disk store failed, or a store Ehcache would not open (then the tier starts empty).
     */
    @Test
    void damageInTheMiddleOfTheLargestDiskFileIsNeverServed() throws Exception {
        Path data = storedByACleanRun();
        long size = Files.size(data);
        long body = storedBodyOffset(data);
        long middle = size / 2;
        assertTrue(body >= 0 && middle - 512 < body + SIZE && middle + 512 > body - 1024,
                "the middle of " + data + " (" + size + " bytes) holds the stored entry (its body at " + body + ")");
        flip(data, middle - 512, 1024);

        FlowProcess second = secondRunAsksTheOrigin();
        second.stop();
        String log = second.log();
        String what = Stream.of("a damaged disk cache entry was discarded", "disk cache read failed",
                "the disk cache could not be opened").filter(log::contains).findFirst()
                .orElseThrow(() -> new AssertionError("the log says what happened to the entry: " + log));
        System.out.println("damage in the middle of " + data.getFileName() + ": Gatehouse logged \"" + what
                + "\" and answered from the origin");
    }

    private Path largestEntriesFile() {
        try (Stream<Path> files = Files.walk(tmp.resolve("cache").resolve("entries"))) {
            return files.filter(Files::isRegularFile).max(Comparator.comparingLong(CacheDiskTierTest::size))
                    .orElseThrow(() -> new AssertionError("no files under cache_dir/entries"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the stored body of {@link #TARGET} begins in {@code file}, or -1. */
    private static long storedBodyOffset(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            return -1;
        }
        byte[] start = java.util.Arrays.copyOf(FlowOrigin.body(TARGET, SIZE), 64);
        outer:
        for (int i = 0; i + start.length <= data.length; i++) {
            for (int j = 0; j < start.length; j++) {
                if (data[i + j] != start[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void flip(Path file, long from, int count) throws IOException {
        byte[] data = Files.readAllBytes(file);
        for (int i = 0; i < count; i++) {
            data[(int) from + i] ^= (byte) 0xFF;
        }
        Files.write(file, data);
    }
}
