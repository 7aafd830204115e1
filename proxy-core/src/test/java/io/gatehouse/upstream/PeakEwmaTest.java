package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The peak-EWMA latency estimate: peaks at once, fast samples by time-weighted average, fading while idle. */
class PeakEwmaTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void noEstimateBeforeTheFirstSampleThenTheSampleItself() {
        PeakEwma e = new PeakEwma();
        assertEquals(-1, e.estimate(SECOND));
        e.observe(20 * MS, SECOND);
        assertEquals(20 * MS, e.estimate(SECOND), 1e-6);
    }

    @Test
    void aSlowerSampleReplacesTheEstimateAtOnce() {
        PeakEwma e = new PeakEwma();
        e.observe(10 * MS, SECOND);
        e.observe(400 * MS, SECOND + MS);
        assertEquals(400 * MS, e.estimate(SECOND + MS), 1e-6);
    }

    @Test
    void aFasterSamplePullsTheEstimateDownByTheTimeSinceThePreviousOne() {
        PeakEwma e = new PeakEwma();
        e.observe(100 * MS, 0);
        // 1 s later: the estimate has faded to 100 e^-0.1; the sample weighs 1 - e^-0.1.
        e.observe(10 * MS, SECOND);
        double w = Math.exp(-0.1);
        assertEquals(100 * MS * w + 10 * MS * (1 - w), e.estimate(SECOND), 1);
        // A sample at the same instant weighs nothing.
        double now = e.estimate(SECOND);
        e.observe(1 * MS, SECOND);
        assertEquals(now, e.estimate(SECOND), 1);
    }

    @Test
    void theEstimateFadesWithATenSecondTimeConstantWhileNoSampleComes() {
        PeakEwma e = new PeakEwma();
        e.observe(500 * MS, 0);
        assertEquals(500 * MS * Math.exp(-1), e.estimate(10 * SECOND), 1);
        assertEquals(500 * MS * Math.exp(-3), e.estimate(30 * SECOND), 1);
        // A clock read on another thread slightly behind the sample's: no fading, no growth.
        e.observe(500 * MS, 40 * SECOND);
        assertEquals(500 * MS, e.estimate(40 * SECOND - MS), 1);
    }

    @Test
    void theMemberStateFeedsItOnlyOnceTrackedAndOnlyWithWholeAnswers() {
        MemberState m = Members.state(1);
        m.tryStartAttempt(0);
        m.record(Outcome.Kind.OK, 30 * MS, 40 * MS, SECOND);
        assertEquals(-1, m.latencyNanos(SECOND), "not tracked: nothing recorded");
        m.trackLatency();
        m.tryStartAttempt(0);
        m.record(Outcome.Kind.OK, 30 * MS, 40 * MS, SECOND);
        assertEquals(30 * MS, m.latencyNanos(SECOND), 1, "the time to the answer's head");
    }
}
