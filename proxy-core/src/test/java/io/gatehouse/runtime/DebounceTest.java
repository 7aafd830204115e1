package io.gatehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The quiet period that turns a burst of changes into one reload, with the time given by the test. */
class DebounceTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBurstOfChangesFiresOnceWhenItHasBeenQuietForThePeriod() {
        Debounce d = new Debounce(Duration.ofMillis(300));
        long t = 1_000 * MS;
        for (int i = 0; i < 20; i++) {
            d.event(t);
            t += 10 * MS;
            assertFalse(d.fire(t), "still within the burst at change " + i);
        }
        long last = t - 10 * MS;
        assertEquals(300 * MS - 10 * MS, d.dueIn(t));
        assertFalse(d.fire(last + 299 * MS));
        assertTrue(d.fire(last + 300 * MS), "quiet for the whole period");
        assertFalse(d.fire(last + 900 * MS), "once only");
        assertFalse(d.pending());
        assertEquals(Long.MAX_VALUE, d.dueIn(last + 900 * MS), "nothing pending, nothing due");
    }

    @Test
    void aChangeAfterTheFiringStartsANewPeriod() {
        Debounce d = new Debounce(Duration.ofMillis(300));
        d.event(0);
        assertTrue(d.fire(300 * MS));
        d.event(400 * MS);
        assertFalse(d.fire(600 * MS));
        assertTrue(d.fire(700 * MS));
    }

    @Test
    void nothingFiresWithoutAChange() {
        Debounce d = new Debounce(Duration.ofMillis(300));
        assertFalse(d.fire(Long.MAX_VALUE / 2));
    }
}
