package io.gatehouse.admin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Snapshot;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TalliedReservoirTest {
    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Within the two significant digits kept. */
    private static void near(double expected, double actual) {
        assertTrue(Math.abs(expected - actual) <= expected * 0.01 + 1, "expected about " + expected + ", got " + actual);
    }

    @Test
    void nothingIsVisibleUntilTheSamplerTakesIt() {
        TalliedReservoir r = new TalliedReservoir(new ThreadTallies(), 12);
        r.update(ms(5));
        assertEquals(0, r.getSnapshot().size());
        r.sample();
        assertEquals(1, r.getSnapshot().size());
        near(ms(5), r.getSnapshot().getMax());
    }

    @Test
    void theSnapshotReflectsTheValuesRecorded() {
        TalliedReservoir r = new TalliedReservoir(new ThreadTallies(), 12);
        for (int i = 1; i <= 100; i++) {
            r.update(ms(i));
        }
        r.sample();
        Snapshot s = r.getSnapshot();
        assertEquals(100, s.size());
        near(ms(50), s.getMedian());
        near(ms(99), s.get99thPercentile());
        near(ms(1), s.getMin());
        near(ms(100), s.getMax());
        near(ms(50) + ms(1) / 2.0, s.getMean());
        assertEquals(ms(99), r.lastIntervalP99(), ms(99) * 0.01);
        assertEquals(100, r.lastIntervalCount());
    }

    @Test
    void readingTheSnapshotNeverResetsItAndEmptyIntervalsKeepTheWindow() {
        TalliedReservoir r = new TalliedReservoir(new ThreadTallies(), 3);
        r.update(ms(7));
        r.update(ms(9));
        r.sample();
        Snapshot first = r.getSnapshot();
        for (int i = 0; i < 5; i++) {
            assertSame(first, r.getSnapshot());
            assertEquals(2, r.getSnapshot().size());
        }
        r.sample();
        r.sample();
        assertEquals(2, r.getSnapshot().size(), "still in the window");
        assertEquals(0, r.lastIntervalCount());
        assertEquals(0, r.lastIntervalP99());
    }

    @Test
    void valuesLeaveTheSnapshotAfterTwoWindows() {
        TalliedReservoir r = new TalliedReservoir(new ThreadTallies(), 2);
        r.update(ms(3));
        r.sample();
        r.sample(); // window 1 full
        r.sample(); // window 2: window 1 is the previous one
        assertEquals(1, r.getSnapshot().size());
        r.sample();
        r.sample(); // window 3: window 1 dropped
        assertEquals(0, r.getSnapshot().size());
        assertEquals(0, r.getSnapshot().get99thPercentile());
    }

    @Test
    void aValueAboveTheRangeCountsAsItsTopAndANegativeOneAsZero() {
        TalliedReservoir r = new TalliedReservoir(new ThreadTallies(), 12);
        r.update(TimeUnit.HOURS.toNanos(5));
        r.update(-3);
        r.sample();
        assertEquals(2, r.getSnapshot().size());
        near(TalliedReservoir.HIGHEST, r.getSnapshot().getMax());
        assertEquals(0, r.getSnapshot().getMin());
    }
}
