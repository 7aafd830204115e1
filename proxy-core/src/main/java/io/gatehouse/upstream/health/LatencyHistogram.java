package io.gatehouse.upstream.health;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent answer times of one member, for the pool view's average and 99th percentile: a histogram
 * with logarithmic buckets, four per power of two of microseconds (below 8 µs one per µs), so a
 * percentile read from it is within 12.5 % of the true value (the bucket's middle is reported). Two
 * windows of one minute each, used in turn: recording goes to the current minute's, reading takes the
 * current and the previous one, so the figures cover the last one to two minutes.
 *
 * <p>Recording is two atomic additions and no allocation, from any thread; the first recording in a new
 * minute clears the window it takes over (a sample recorded by another thread in that instant may be
 * lost, which a percentile over thousands does not notice). Reading allocates nothing either.
 */
public final class LatencyHistogram {
    /** Buckets per window: up to 2^41 µs (25 days), which no answer waits. */
    static final int BUCKETS = 4 * 40;
    private static final long WINDOW_NANOS = 60_000_000_000L;
    /** Per window: the bucket counts, then the sum of the samples in µs. */
    private static final int STRIDE = BUCKETS + 1;

    private final AtomicLongArray counts = new AtomicLongArray(2 * STRIDE);
    /** The minute (of the nano clock) each window holds. */
    private final AtomicLongArray minuteOf = new AtomicLongArray(new long[] {Long.MIN_VALUE, Long.MIN_VALUE});

    /** Counts an answer that took {@code nanos}, at {@code nowNanos} (the monotonic clock). */
    public void record(long nanos, long nowNanos) {
        long minute = Math.floorDiv(nowNanos, WINDOW_NANOS);
        int w = (int) (minute & 1);
        long held = minuteOf.get(w);
        if (held != minute) {
            if (held > minute) {
                return; // a sample from a minute already left behind
            }
            turn(w, held, minute);
        }
        long micros = Math.max(0, nanos / 1000);
        int base = w * STRIDE;
        counts.incrementAndGet(base + bucket(micros));
        counts.addAndGet(base + BUCKETS, micros);
    }

    private void turn(int w, long held, long minute) {
        if (minuteOf.compareAndSet(w, held, minute)) {
            int base = w * STRIDE;
            for (int i = 0; i < STRIDE; i++) {
                counts.set(base + i, 0);
            }
        }
    }

    /** Answers counted in the last one to two minutes at {@code nowNanos}. */
    public long count(long nowNanos) {
        long n = 0;
        for (int w = 0; w < 2; w++) {
            if (recent(w, nowNanos)) {
                int base = w * STRIDE;
                for (int i = 0; i < BUCKETS; i++) {
                    n += counts.get(base + i);
                }
            }
        }
        return n;
    }

    /** The average time of those answers in nanoseconds, or -1 when there were none. */
    public long averageNanos(long nowNanos) {
        long n = count(nowNanos);
        if (n == 0) {
            return -1;
        }
        long sum = 0;
        for (int w = 0; w < 2; w++) {
            if (recent(w, nowNanos)) {
                sum += counts.get(w * STRIDE + BUCKETS);
            }
        }
        return sum * 1000 / n;
    }

    /** The time {@code fraction} (0.99 for p99) of those answers took at most, in nanoseconds; -1 when none. */
    public long percentileNanos(double fraction, long nowNanos) {
        long n = count(nowNanos);
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * n));
        long seen = 0;
        boolean first = recent(0, nowNanos);
        boolean second = recent(1, nowNanos);
        for (int i = 0; i < BUCKETS; i++) {
            if (first) {
                seen += counts.get(i);
            }
            if (second) {
                seen += counts.get(STRIDE + i);
            }
            if (seen >= rank) {
                return middle(i) * 1000;
            }
        }
        return middle(BUCKETS - 1) * 1000; // counts moved under the reader: the top
    }

    private boolean recent(int w, long nowNanos) {
        long minute = Math.floorDiv(nowNanos, WINDOW_NANOS);
        long held = minuteOf.get(w);
        return held == minute || held == minute - 1;
    }

    /** The bucket of a sample of {@code micros}: 0..7 one per µs, then four per power of two. */
    static int bucket(long micros) {
        if (micros < 8) {
            return (int) micros;
        }
        int msb = 63 - Long.numberOfLeadingZeros(micros); // >= 3
        int sub = (int) (micros >>> (msb - 2)) & 3;
        return Math.min(BUCKETS - 1, (msb - 1) * 4 + sub);
    }

    /** The smallest sample of {@code bucket}, in µs. */
    static long lowest(int bucket) {
        if (bucket < 8) {
            return bucket;
        }
        int msb = bucket / 4 + 1;
        int sub = bucket % 4;
        return (long) (4 + sub) << (msb - 2);
    }

    /** The middle of {@code bucket}'s range, in µs. */
    static long middle(int bucket) {
        if (bucket < 8) {
            return bucket;
        }
        int msb = bucket / 4 + 1;
        return lowest(bucket) + (1L << (msb - 2)) / 2;
    }
}
