package io.gatehouse.admin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ThreadTalliesTest {
    @ParameterizedTest(name = "{0} ms counts in bucket {1}, which starts at {2} ms")
    @CsvSource({
        "0, 0, 0", "-5, 0, 0", "1, 1, 1", "127, 127, 127",
        "128, 128, 128", "129, 128, 128", "130, 129, 130", "255, 191, 254",
        "256, 192, 256", "1000, 317, 1000", "1001, 317, 1000", "600000, 905, 598016", "3600000, 905, 598016"})
    void aLatencyCountsInTheBucketThatHoldsIt(long millis, int bucket, long lowest) {
        assertEquals(bucket, ThreadTallies.bucket(millis));
        assertEquals(lowest, ThreadTallies.lowest(bucket));
    }

    @Test
    void everyBucketStartsAboveTheLastAndHoldsItsOwnLowestValueWithin1Point6Percent() {
        long previous = -1;
        for (int b = 0; b < ThreadTallies.BUCKETS; b++) {
            long low = ThreadTallies.lowest(b);
            assertTrue(low > previous, "bucket " + b);
            assertEquals(b, ThreadTallies.bucket(low), "bucket " + b);
            long high = b + 1 < ThreadTallies.BUCKETS ? ThreadTallies.lowest(b + 1) - 1 : low;
            assertEquals(b, ThreadTallies.bucket(high), "bucket " + b);
            assertTrue(high - low <= Math.max(0, low * 0.016), "bucket " + b + " spans " + low + ".." + high);
            previous = low;
        }
    }

    @Test
    void countsFromManyThreadsAddUpWithoutLosingOne() throws Exception {
        ThreadTallies tallies = new ThreadTallies();
        int timer = tallies.timer();
        int timerCount = tallies.counter();
        int bytes = tallies.counter();
        int threads = 4;
        int each = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                ThreadTallies.Stripe s = tallies.stripe();
                for (int i = 0; i < each; i++) {
                    s.time(timer, timerCount, i % 3);
                    s.add(bytes, 10);
                }
            });
            th.start();
            started.add(th);
        }
        go.countDown();
        for (Thread th : started) {
            th.join(30_000);
        }
        assertEquals((long) threads * each, tallies.sum(timerCount));
        assertEquals(10L * threads * each, tallies.sum(bytes));
        long[] buckets = new long[ThreadTallies.BUCKETS];
        tallies.buckets(timer, buckets);
        long total = 0;
        for (long b : buckets) {
            total += b;
        }
        assertEquals((long) threads * each, total);
        assertEquals(buckets[0] + buckets[1] + buckets[2], total, "only 0, 1 and 2 ms were counted");
    }

    @Test
    void aCounterOrTimerMadeAfterAThreadStartedCountingStillCounts() {
        ThreadTallies tallies = new ThreadTallies();
        int first = tallies.counter();
        tallies.stripe().add(first, 1);
        int[] later = new int[40];
        for (int i = 0; i < later.length; i++) {
            later[i] = tallies.counter();
        }
        int timer = 0;
        for (int i = 0; i < 20; i++) {
            timer = tallies.timer();
        }
        tallies.stripe().add(later[39], 7);
        tallies.stripe().time(timer, later[38], 42);
        assertEquals(1, tallies.sum(first));
        assertEquals(7, tallies.sum(later[39]));
        assertEquals(1, tallies.sum(later[38]));
        assertEquals(0, tallies.sum(later[0]));
        long[] buckets = new long[ThreadTallies.BUCKETS];
        tallies.buckets(timer, buckets);
        assertEquals(1, buckets[42]);
    }
}
