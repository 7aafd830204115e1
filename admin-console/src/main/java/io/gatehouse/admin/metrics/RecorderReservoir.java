package io.gatehouse.admin.metrics;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latency distribution of a timer, recorded without a lock or an allocation: request threads
 * record into an HdrHistogram {@link Recorder} (wait-free), and the one sampler thread takes what was
 * recorded at each interval ({@link #sample()}) into a window of the last one to two minutes, from which
 * it publishes an immutable {@link Snapshot}. Reading the snapshot ({@link #getSnapshot()}) never resets
 * anything; only the sampler reads the recorder.
 *
 * <p>Values are nanoseconds (what {@code Timer} gives), kept from 1 µs to 10 minutes with two
 * significant digits (a value above the range counts as the range's top).
 */
public final class RecorderReservoir implements Reservoir {
    static final long LOWEST = TimeUnit.MICROSECONDS.toNanos(1);
    static final long HIGHEST = TimeUnit.MINUTES.toNanos(10);
    private static final int DIGITS = 2;

    private final Recorder recorder = new Recorder(LOWEST, HIGHEST, DIGITS);
    /** Samples per window: the snapshot covers the window being filled and the one before it. */
    private final int windowSamples;
    // the sampler thread's own state
    private Histogram interval;
    private Histogram current = new Histogram(LOWEST, HIGHEST, DIGITS);
    private Histogram previous = new Histogram(LOWEST, HIGHEST, DIGITS);
    private int samplesInWindow;
    // published by the sampler
    private volatile HistogramSnapshot snapshot = HistogramSnapshot.EMPTY;
    private volatile long lastIntervalCount;
    private volatile long lastIntervalP99;

    /** @param windowSamples samples per window (12 at 5 s: the snapshot covers one to two minutes) */
    public RecorderReservoir(int windowSamples) {
        if (windowSamples < 1) {
            throw new IllegalArgumentException("windowSamples: " + windowSamples);
        }
        this.windowSamples = windowSamples;
    }

    /** Records one value; wait-free, no allocation. Any thread. */
    @Override
    public void update(long value) {
        recorder.recordValue(value < 0 ? 0 : Math.min(value, HIGHEST));
    }

    /** Takes what was recorded since the last sample and publishes a new snapshot. The sampler thread only. */
    void sample() {
        interval = recorder.getIntervalHistogram(interval);
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

    /** Values recorded in the last interval sampled. */
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
