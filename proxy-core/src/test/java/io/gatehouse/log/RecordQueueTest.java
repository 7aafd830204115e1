package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RecordQueueTest {

    @Test
    void capacityRoundsUpToAPowerOfTwoAndAFullQueueRefuses() {
        RecordQueue<Long> q = new RecordQueue<>(3);
        assertEquals(4, q.capacity());
        for (long i = 0; i < 4; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(4L));
        assertEquals(0L, q.poll());
        assertTrue(q.offer(4L));
        assertEquals(List.of(1L, 2L, 3L, 4L), List.of(q.poll(), q.poll(), q.poll(), q.poll()));
        assertNull(q.poll());
    }

    @Test
    void fillsToCapacityExactlyOnEveryLapRoundTheRing() {
        RecordQueue<Long> q = new RecordQueue<>(8);
        long next = 0;
        long expected = 0;
        for (int lap = 0; lap < 50; lap++) {
            int accepted = 0;
            while (q.offer(next)) {
                next++;
                accepted++;
            }
            assertEquals(lap == 0 ? 8 : 5, accepted, "lap " + lap + ": the queue takes exactly what is free");
            for (int i = 0; i < 5; i++) {
                assertEquals(expected++, q.poll());
            }
        }
        assertEquals(3, q.size());
    }

    @Test
    void closeRefusesFurtherOffersAndTellsHowManyWereAccepted() {
        RecordQueue<Long> q = new RecordQueue<>(8);
        q.offer(1L);
        q.offer(2L);
        assertEquals(2, q.close());
        assertEquals(2, q.close());
        assertTrue(q.isClosed());
        assertFalse(q.offer(3L));
        assertEquals(1L, q.poll());
        assertEquals(2L, q.poll());
        assertNull(q.poll());
    }

    /** Producers race each other and a close: every accepted element is taken once, in each producer's order. */
    @Test
    @Timeout(30)
    void concurrentProducersAndACloseLoseNothingAccepted() throws Exception {
        RecordQueue<Long> q = new RecordQueue<>(1024);
        int producers = 3;
        AtomicLong accepted = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = p * 1_000_000_000L;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; ; i++) {
                    while (!q.offer(base + i)) {
                        if (q.isClosed()) {
                            return;
                        }
                        Thread.onSpinWait();
                    }
                    accepted.incrementAndGet();
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        long[] next = new long[producers];
        long taken = 0;
        long end = -1;
        while (end < 0 || q.head() < end) {
            Long e = q.poll();
            if (e == null) {
                Thread.onSpinWait();
                continue;
            }
            int p = (int) (e / 1_000_000_000L);
            assertEquals(next[p]++, e % 1_000_000_000L, "producer " + p + " out of order");
            if (++taken == 300_000 && end < 0) {
                end = q.close();
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(q.poll());
        assertEquals(accepted.get(), taken);
        assertEquals(end, taken);
    }
}
