package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RequestLogSinkTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final LocalDate DAY1 = LocalDate.of(2016, 12, 30);
    private static final LocalDate DAY2 = DAY1.plusDays(1);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(DAY1.atTime(18, 5, 6), ZONE);

    @Test
    void linesAppearInTheFileInOfferOrder() throws Exception {
        try (RequestLogSink sink = new RequestLogSink(dir.resolve("logs"), 14, clock)) {
            for (int i = 0; i < 1000; i++) {
                assertTrue(sink.offer(Records.numbered(i)));
            }
            awaitTrue(() -> sink.written() == 1000, "1000 lines written");
            assertEquals(range(0, 1000), ltids(dir.resolve("logs/request.log")));
        }
    }

    @Test
    void aLineIsInTheFileSoonAfterItIsOfferedWithoutClose() throws Exception {
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            sink.offer(Records.seedExample());
            awaitTrue(() -> sink.written() == 1, "line written");
            assertEquals(List.of(RequestLogFormatter.format(Records.seedExample())), lines(dir.resolve("request.log")));
        }
    }

    @Test
    void closeWritesEveryOneOfAHundredThousandRecords() throws Exception {
        RequestLogSink sink = new RequestLogSink(dir, 14, clock, 131_072, RequestLogSinkTest::daemon);
        for (int i = 0; i < 100_000; i++) {
            assertTrue(sink.offer(Records.numbered(i)));
        }
        sink.close();
        assertEquals(0, sink.dropped());
        assertEquals(100_000, sink.written());
        assertEquals(range(0, 100_000), ltids(dir.resolve("request.log")));
    }

    /** Producers keep offering while the sink closes: every offer that returned true is in the file. */
    @Test
    void aStopLosesNoLineAcceptedBeforeIt() throws Exception {
        RequestLogSink sink = new RequestLogSink(dir, 14, clock, 1024, RequestLogSinkTest::daemon);
        AtomicLong accepted = new AtomicLong();
        AtomicLong offered = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            long base = p * 1_000_000L;
            producers.add(daemon(() -> {
                for (long i = 0; !stop.get(); i++) {
                    offered.incrementAndGet();
                    if (sink.offer(Records.numbered(base + i))) {
                        accepted.incrementAndGet();
                    }
                }
            }));
        }
        awaitTrue(() -> sink.written() > 20_000, "writer busy");
        sink.close();
        stop.set(true);
        for (Thread t : producers) {
            t.join();
        }
        List<Long> ids = ltids(dir.resolve("request.log"));
        assertEquals(accepted.get(), ids.size());
        assertEquals(accepted.get(), sink.written());
        assertEquals(offered.get(), accepted.get() + sink.dropped());
        assertEquals(ids.size(), new TreeSet<>(ids).size(), "no line twice");
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() throws Exception {
        AtomicReference<Runnable> writer = new AtomicReference<>();
        RequestLogSink sink = new RequestLogSink(dir, 14, clock, 4, writer::set); // writer not started yet
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 10; i++) {
                assertEquals(i < 4, sink.offer(Records.numbered(i)), "offer " + i);
            }
        });
        assertEquals(6, sink.dropped());
        daemon(writer.get());
        sink.close();
        assertEquals(range(0, 4), ltids(dir.resolve("request.log")));
        assertFalse(sink.offer(Records.numbered(99)), "closed sink refuses");
        assertEquals(7, sink.dropped());
    }

    @Test
    void closeIsIdempotent() throws Exception {
        RequestLogSink sink = new RequestLogSink(dir, 14, clock);
        sink.offer(Records.numbered(1));
        sink.close();
        sink.close();
        assertEquals(1, sink.written());
    }

    @Test
    void theFirstLineOfANewDayRotatesTheFile() throws Exception {
        clock.set(DAY1.atTime(23, 59, 58));
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            offerAndAwait(sink, 0, 3);
            clock.set(DAY2.atTime(0, 0, 1));
            offerAndAwait(sink, 3, 5);
        }
        assertEquals(Set.of("request.log", "request.log.2016-12-30"), names(dir));
        assertEquals(range(0, 3), ltids(dir.resolve("request.log.2016-12-30")));
        assertEquals(range(3, 5), ltids(dir.resolve("request.log")));
    }

    @Test
    void aQuietMidnightStillRotatesWithinAboutASecond() throws Exception {
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            offerAndAwait(sink, 0, 2);
            clock.set(DAY2.atTime(0, 0, 0));
            awaitTrue(() -> Files.exists(dir.resolve("request.log.2016-12-30")), "idle rotation");
        }
        assertEquals(range(0, 2), ltids(dir.resolve("request.log.2016-12-30")));
        assertEquals(List.of(), lines(dir.resolve("request.log")));
    }

    @Test
    void daysWithoutRequestsLeaveNoEmptyRotatedFiles() throws Exception {
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            offerAndAwait(sink, 0, 1);
            clock.set(DAY1.plusDays(3).atTime(9, 0));
            offerAndAwait(sink, 1, 2);
            clock.set(DAY1.plusDays(5).atTime(9, 0));
            offerAndAwait(sink, 2, 3);
        }
        assertEquals(Set.of("request.log", "request.log.2016-12-30", "request.log.2017-01-02"), names(dir));
    }

    @Test
    void retentionDeletesRotatedFilesOlderThanRetainDaysAtStartAndAtRotation() throws Exception {
        for (int d = 1; d <= 6; d++) {
            Files.writeString(dir.resolve("request.log." + DAY1.minusDays(d)), "x\n");
        }
        Files.writeString(dir.resolve("request.log." + DAY1.minusDays(5) + ".1"), "x\n");
        Files.writeString(dir.resolve("request.log.notes"), "kept\n");
        Files.writeString(dir.resolve("other.log.2000-01-01"), "kept\n");
        try (RequestLogSink sink = new RequestLogSink(dir, 3, clock)) {
            assertEquals(Set.of("request.log", "request.log.2016-12-27", "request.log.2016-12-28",
                    "request.log.2016-12-29", "request.log.notes", "other.log.2000-01-01"), names(dir));
            offerAndAwait(sink, 0, 1);
            clock.set(DAY2.atTime(8, 0));
            offerAndAwait(sink, 1, 2);
        }
        assertEquals(Set.of("request.log", "request.log.2016-12-28", "request.log.2016-12-29",
                "request.log.2016-12-30", "request.log.notes", "other.log.2000-01-01"), names(dir));
    }

    @Test
    void retainDaysZeroKeepsEveryRotatedFile() throws Exception {
        Files.writeString(dir.resolve("request.log.2001-01-01"), "x\n");
        try (RequestLogSink sink = new RequestLogSink(dir, 0, clock)) {
            offerAndAwait(sink, 0, 1);
        }
        assertTrue(Files.exists(dir.resolve("request.log.2001-01-01")));
    }

    @Test
    void aRequestLogFromAnEarlierDayIsRotatedAtStart() throws Exception {
        Path file = dir.resolve("request.log");
        Files.writeString(file, RequestLogFormatter.format(Records.numbered(-1)) + "\n");
        setModified(file, DAY1.minusDays(2).atTime(23, 0));
        Files.writeString(dir.resolve("request.log.2016-12-28"), "taken\n"); // name in use: .1 is added
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            offerAndAwait(sink, 0, 2);
        }
        assertEquals(List.of(-1L), ltids(dir.resolve("request.log.2016-12-28.1")));
        assertEquals(List.of("taken"), lines(dir.resolve("request.log.2016-12-28")));
        assertEquals(range(0, 2), ltids(file));
    }

    @Test
    void aRequestLogFromTodayIsAppendedTo() throws Exception {
        Path file = dir.resolve("request.log");
        Files.writeString(file, RequestLogFormatter.format(Records.numbered(-1)) + "\n");
        setModified(file, DAY1.atTime(0, 30));
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            offerAndAwait(sink, 0, 2);
        }
        assertEquals(List.of(-1L, 0L, 1L), ltids(file));
        assertEquals(Set.of("request.log"), names(dir));
    }

    /** Disk full: the error is counted, the writer keeps trying and writes the waiting lines once it can. */
    @Test
    void aWriteErrorIsRetriedUntilTheFileIsWritableAgain() throws Exception {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.isWritable(devFull), "needs /dev/full");
        Path file = dir.resolve("request.log");
        Files.createSymbolicLink(file, devFull);
        try (RequestLogSink sink = new RequestLogSink(dir, 14, clock)) {
            for (int i = 0; i < 5; i++) {
                sink.offer(Records.numbered(i));
            }
            awaitTrue(() -> sink.writeErrors() >= 2, "two failed attempts");
            assertEquals(0, sink.written());
            Files.delete(file); // "disk freed": the writer reopens a real request.log
            for (int i = 5; i < 8; i++) {
                sink.offer(Records.numbered(i));
            }
            awaitTrue(() -> sink.written() == 8, "all lines written after recovery");
        }
        assertEquals(range(0, 8), ltids(file));
    }

    @Test
    void closeGivesUpOnAFileThatStaysUnwritableAndCountsTheLostLines() throws Exception {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.isWritable(devFull), "needs /dev/full");
        Files.createSymbolicLink(dir.resolve("request.log"), devFull);
        RequestLogSink sink = new RequestLogSink(dir, 14, clock);
        for (int i = 0; i < 5; i++) {
            sink.offer(Records.numbered(i));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), sink::close);
        assertEquals(0, sink.written());
        assertEquals(5, sink.dropped());
        assertTrue(sink.writeErrors() >= 1);
    }

    @Test
    void aRemovedDirectoryIsCreatedAgainAtTheNextRotation() throws Exception {
        Path logs = dir.resolve("logs");
        try (RequestLogSink sink = new RequestLogSink(logs, 14, clock)) {
            offerAndAwait(sink, 0, 1);
            try (Stream<Path> files = Files.list(logs)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(logs);
            clock.set(DAY2.atTime(1, 0));
            offerAndAwait(sink, 1, 3);
        }
        assertEquals(range(1, 3), ltids(logs.resolve("request.log")));
    }

    @Test
    void refusesNegativeRetainDays() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RequestLogSink(dir, -1, clock));
        assertTrue(e.getMessage().contains("retain_days: -1"), e.getMessage());
    }

    @Test
    void rotatedFileNamesAreRecognisedByTheirDay() {
        assertEquals(DAY1, RequestLogSink.rotatedDay("request.log.2016-12-30"));
        assertEquals(DAY1, RequestLogSink.rotatedDay("request.log.2016-12-30.2"));
        assertEquals(null, RequestLogSink.rotatedDay("request.log"));
        assertEquals(null, RequestLogSink.rotatedDay("request.log.2016-12-30.gz"));
        assertEquals(null, RequestLogSink.rotatedDay("request.log.2016-13-30"));
        assertEquals(null, RequestLogSink.rotatedDay("request.log.notes-here"));
    }

    // ---- helpers ----

    private static void offerAndAwait(RequestLogSink sink, int from, int to) {
        long before = sink.written();
        for (int i = from; i < to; i++) {
            assertTrue(sink.offer(Records.numbered(i)));
        }
        awaitTrue(() -> sink.written() == before + (to - from), (to - from) + " more lines written");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "test-" + r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void setModified(Path file, LocalDateTime when) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(when.atZone(ZONE).toInstant()));
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.US_ASCII);
    }

    /** Parses every line of {@code file} and returns field 12, the local transaction id. */
    private static List<Long> ltids(Path file) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (String line : lines(file)) {
            ids.add(Long.parseLong(RequestLogFormatter.parse(line).get(11)));
        }
        return ids;
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i < to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            files.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }
}
