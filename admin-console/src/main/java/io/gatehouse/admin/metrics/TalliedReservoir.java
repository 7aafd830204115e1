package io.gatehouse.admin.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latency distribution of a timer: request threads count each latency in their own
 * {@link ThreadTallies} stripe, and the one sampler thread takes what was counted since its last
 * {@link #sample()} into a window of the last one to two minutes, from which it publishes an immutable
 * {@link Snapshot}. Reading the snapshot ({@link #getSnapshot()}) never resets anything.
 *
 * <p>Snapshot values are nanoseconds (what Dropwizard's timers report), from whole-millisecond
 * latencies kept as {@link ThreadTallies} says, with two significant digits from 1 µs to 10 minutes.
 */
final class TalliedReservoir implements Reservoir {
    static final long LOWEST = TimeUnit.MICROSECONDS.toNanos(1);
    static final long HIGHEST = TimeUnit.MILLISECONDS.toNanos(ThreadTallies.MAX_MILLIS);
    private static final int DIGITS = 2;

    private final ThreadTallies tallies;
    /** This timer's number in the tallies. */
    final int timer;
    /** The counter of its values in the tallies. */
    final int counter;
    /** What the counter held when this reservoir took it (a number given back by a removed timer). */
    final long countBase;
    /** Samples per window: the snapshot covers the window being filled and the one before it. */
    private final int windowSamples;
    // the sampler thread's own state
    private final long[] seen = new long[ThreadTallies.BUCKETS];
    private final long[] now = new long[ThreadTallies.BUCKETS];
    private final Histogram interval = new Histogram(LOWEST, HIGHEST, DIGITS);
    private Histogram current = new Histogram(LOWEST, HIGHEST, DIGITS);
    private Histogram previous = new Histogram(LOWEST, HIGHEST, DIGITS);
    private int samplesInWindow;
    // published by the sampler
    private volatile HistogramSnapshot snapshot = HistogramSnapshot.EMPTY;
    private volatile long lastIntervalCount;
    private volatile long lastIntervalP99;

    /** @param windowSamples samples per window (12 at 5 s: the snapshot covers one to two minutes) */
    TalliedReservoir(ThreadTallies tallies, int windowSamples) {
        if (windowSamples < 1) {
            throw new IllegalArgumentException("windowSamples: " + windowSamples);
        }
        this.tallies = tallies;
        this.windowSamples = windowSamples;
        this.timer = tallies.timer();
        this.counter = tallies.counter();
        this.countBase = tallies.sum(counter);
        tallies.buckets(timer, seen); // a number used before: what it counted then is not this timer's
    }

    /** Counts one latency of {@code millis} on the calling thread's stripe {@code s}: plain adds. */
    void record(ThreadTallies.Stripe s, long millis) {
        s.time(timer, counter, millis);
    }

    /** Counts one value in nanoseconds (rounded down to the millisecond); any thread. */
    @Override
    public void update(long nanos) {
        record(tallies.stripe(), TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos)));
    }

    /** Values counted so far, over every thread. */
    long count() {
        return tallies.sum(counter) - countBase;
    }

    /** Takes what was counted since the last sample and publishes a new snapshot. The sampler thread only. */
    void sample() {
        tallies.buckets(timer, now);
        interval.reset();
        for (int i = 0; i < now.length; i++) {
            long added = now[i] - seen[i];
            if (added > 0) {
                interval.recordValueWithCount(TimeUnit.MILLISECONDS.toNanos(ThreadTallies.lowest(i)), added);
                seen[i] = now[i];
            }
        }
        lastIntervalCount = interval.getTotalCount();
        lastIntervalP99 = interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99.0);
        if (samplesInWindow == windowSamples) {
            Histogram older = previous;
            previous = current;
            current = older;
            current.reset();
            samplesInWindow = 0;
        }
        current.add(interval);
        samplesInWindow++;
        Histogram window = current.copy();
        window.add(previous);
        snapshot = new HistogramSnapshot(window);
    }

    /** Values counted in the last interval sampled. */
    long lastIntervalCount() {
        return lastIntervalCount;
    }

    /** The 99th percentile of the last interval sampled, in nanoseconds; 0 when it had none. */
    long lastIntervalP99() {
        return lastIntervalP99;
    }

    /** Values in the last snapshot. */
    @Override
    public int size() {
        return snapshot.size();
    }

    /** The snapshot the sampler published last; reading it changes nothing. */
    @Override
    public Snapshot getSnapshot() {
        return snapshot;
    }
}
