package io.gatehouse.upstream;

/**
 * A member's latency as peak-EWMA balancers estimate it (Finagle, linkerd, tower), with a time constant
 * τ of 10 seconds:
 * <ul>
 * <li>a sample above the estimate replaces it at once: a member that turns slow is seen at its next
 *     answer;</li>
 * <li>a sample below it pulls it down by the weight w = 1 - e^(-Δt/τ), Δt being the time since the
 *     previous sample: a burst of fast answers moves it little, a fast answer after a quiet spell
 *     nearly replaces it;</li>
 * <li>read at time t, the estimate is the stored one times e^(-(t - t_last)/τ): it fades toward zero
 *     while no sample comes (Finagle and tower do the same by observing a zero sample on every read;
 *     here a read writes nothing, and Δt above stays the time since the last real sample). This is
 *     what lets a member that turned slow and then recovered regain its share: a balancer that shuns it
 *     sends it nothing, so nothing would ever lower its estimate; fading makes it the cheapest choice
 *     again after a few seconds (1 s slow against 10 ms fast: about 45 s idle, far less while the
 *     fast members are busy, since the cost counts in-flight requests), and the fast answers it then
 *     gives bring it back. A sample is compared with, and averaged into, the faded estimate.</li>
 * </ul>
 * Updated from several IO threads without a lock: the estimate and its time are two volatile fields,
 * and a race between two samples, or a read between the two writes, only loses or misdates one sample.
 * Nothing allocates.
 */
final class PeakEwma {
    /** τ, in nanoseconds. */
    static final double DECAY_NANOS = 10e9;

    /** The estimate at {@link #updatedAt}; negative before the first sample. */
    private volatile double estimateNanos = -1;
    private volatile long updatedAt;

    /** Takes one sample (the time to an answer's head) at {@code nowNanos}. */
    void observe(long sampleNanos, long nowNanos) {
        double sample = Math.max(0, sampleNanos);
        double previous = estimateNanos;
        if (previous < 0) {
            estimateNanos = sample;
            updatedAt = nowNanos;
            return;
        }
        double decay = decay(nowNanos - updatedAt);
        double current = previous * decay;
        // Written time first: a reader between the two writes fades the old estimate a little too much.
        updatedAt = nowNanos;
        estimateNanos = sample > current ? sample : current + sample * (1 - decay);
    }

    /** The estimate at {@code nowNanos}, faded since the last sample, or -1 before the first sample. */
    double estimate(long nowNanos) {
        double e = estimateNanos;
        if (e < 0) {
            return -1;
        }
        return e * decay(nowNanos - updatedAt);
    }

    /** e^(-Δt/τ); 1 for a Δt not above 0 (another thread's later sample, or the same instant). */
    private static double decay(long elapsedNanos) {
        return elapsedNanos <= 0 ? 1 : Math.exp(-elapsedNanos / DECAY_NANOS);
    }
}
