package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RequestLogRingTest {
    private static final long PER_WRITER = 1_000_000;

    @Test
    void keepsAtMostCapacityRecordsNewestFirst() {
        RequestLogRing ring = new RequestLogRing(5);
        for (int i = 0; i < 12; i++) {
            ring.add(Records.numbered(i));
        }
        assertEquals(List.of(11L, 10L, 9L, 8L, 7L), ltids(ring.latest(100)));
        assertEquals(List.of(11L, 10L), ltids(ring.latest(2)));
        assertEquals(12, ring.total());
    }

    @Test
    void aRingNotYetFullReturnsWhatItHas() {
        RequestLogRing ring = new RequestLogRing(1000);
        assertEquals(List.of(), ring.latest(10));
        for (int i = 0; i < 3; i++) {
            ring.add(Records.numbered(i));
        }
        assertEquals(List.of(2L, 1L, 0L), ltids(ring.latest(10)));
        assertEquals(List.of(), ring.latest(0));
        assertEquals(List.of(), ring.latest(-1));
    }

    @Test
    void recordsAddedByDifferentThreadsComeNewestFirstByWhenTheyWereAdded() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        RequestLogRing ring = new RequestLogRing(3, now::incrementAndGet);
        ring.add(Records.numbered(1));
        Thread other = new Thread(() -> {
            ring.add(Records.numbered(2));
            ring.add(Records.numbered(3));
        });
        other.start();
        other.join();
        ring.add(Records.numbered(4));
        assertEquals(List.of(4L, 3L, 2L), ltids(ring.latest(3)));
        assertEquals(List.of(4L, 3L, 2L, 1L).subList(0, 2), ltids(ring.latest(2)));
        assertEquals(4, ring.total());
    }

    @Test
    void refusesACapacityBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RequestLogRing(0));
        assertTrue(e.getMessage().contains("ring capacity: 0"), e.getMessage());
    }

    /**
     * Four writers add concurrently while a reader keeps reading: every answer holds distinct records,
     * each writer's records newest first; afterwards the ring holds exactly the last records of each.
     */
    @Test
    @Timeout(30)
    void concurrentWritersAndAReaderSeeAConsistentRing() throws Exception {
        int capacity = 64;
        int writers = 4;
        int perWriter = 50_000;
        RequestLogRing ring = new RequestLogRing(capacity);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            long base = w * PER_WRITER;
            threads.add(new Thread(() -> {
                await(start);
                for (int i = 0; i < perWriter; i++) {
                    ring.add(Records.numbered(base + i));
                }
            }));
        }
        Thread reader = new Thread(() -> {
            await(start);
            while (writing.get()) {
                String p = inconsistency(ring.latest(capacity), capacity);
                if (p != null) {
                    problems.add(p);
                }
            }
        });
        threads.forEach(Thread::start);
        reader.start();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        writing.set(false);
        reader.join();

        assertEquals(List.of(), List.copyOf(problems));
        assertEquals((long) writers * perWriter, ring.total());
        List<RequestLogRecord> last = ring.latest(capacity);
        assertEquals(capacity, last.size());
        assertEquals(null, inconsistency(last, capacity));
        Map<Long, List<Long>> byWriter = new HashMap<>();
        for (long id : ltids(last)) {
            byWriter.computeIfAbsent(id / PER_WRITER, k -> new ArrayList<>()).add(id % PER_WRITER);
        }
        byWriter.forEach((w, ids) -> {
            for (int k = 0; k < ids.size(); k++) {
                assertEquals(perWriter - 1 - k, ids.get(k), "writer " + w + " should show its last records: " + ids);
            }
        });
    }

    /** Null when the answer has at most {@code capacity} distinct records, each writer's newest first. */
    private static String inconsistency(List<RequestLogRecord> records, int capacity) {
        if (records.size() > capacity) {
            return "more than capacity: " + records.size();
        }
        Set<Long> seen = new HashSet<>();
        Map<Long, Long> lastOfWriter = new HashMap<>();
        for (long id : ltids(records)) {
            if (!seen.add(id)) {
                return "duplicate " + id;
            }
            Long previous = lastOfWriter.put(id / PER_WRITER, id);
            if (previous != null && previous <= id) {
                return "not newest first: " + previous + " before " + id;
            }
        }
        return null;
    }

    private static List<Long> ltids(List<RequestLogRecord> records) {
        List<Long> ids = new ArrayList<>(records.size());
        records.forEach(r -> ids.add(r.ltid()));
        return ids;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
