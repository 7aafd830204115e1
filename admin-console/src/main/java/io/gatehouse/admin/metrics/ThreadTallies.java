package io.gatehouse.admin.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the request threads count: each thread adds to its own {@link Stripe} with plain stores (no
 * lock, no atomic instruction, no allocation once its arrays are sized), and readers add the stripes
 * up. A count is a numbered counter; a latency is also a numbered timer with one count per latency
 * bucket.
 *
 * <p>Latencies are whole milliseconds (what the request log measures), kept exactly below 128 ms and
 * above that in 64 buckets per power of two (within 1.6 %), up to {@link #MAX_MILLIS}; a longer one
 * counts as {@code MAX_MILLIS}.
 *
 * <p>A stripe is written by its thread only. Its values are written and read as opaque longs, so a
 * reader never sees a torn value and sees each add soon after it is made; a stripe's array replaced by a
 * larger one is published through a volatile field after its values were copied.
 */
final class ThreadTallies {
    /** The longest latency kept apart, in milliseconds: ten minutes. */
    static final long MAX_MILLIS = 600_000;
    /** Latency buckets per timer: exact below 128 ms, then 64 per power of two up to {@link #MAX_MILLIS}. */
    static final int BUCKETS = bucket(MAX_MILLIS) + 1;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final AtomicInteger counters = new AtomicInteger();
    private final AtomicInteger timers = new AtomicInteger();
    private final List<Stripe> stripes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Stripe> local = ThreadLocal.withInitial(this::newStripe);

    /** Numbers given back by {@link #free}, taken again before new ones. */
    private final Queue<Integer> freeCounters = new ConcurrentLinkedQueue<>();
    private final Queue<Integer> freeTimers = new ConcurrentLinkedQueue<>();

    /**
     * A counter's number: one given back, or a new one. A number given back keeps what its stripes
     * counted, so its new user counts from {@link #sum} at the time it took it, not from zero.
     */
    int counter() {
        Integer again = freeCounters.poll();
        return again != null ? again : counters.getAndIncrement();
    }

    /** A timer's number (its count is a counter of its own: {@link #counter()}); as counters, from its buckets then. */
    int timer() {
        Integer again = freeTimers.poll();
        return again != null ? again : timers.getAndIncrement();
    }

    /**
     * Gives a retired timer's numbers back for a later timer: the stripes keep their arrays' size (no
     * thread's arrays grow for a member that replaced a removed one). Whoever still adds to them after
     * this moves the next user's starting point, which it reads when it takes them.
     */
    void free(int timer, int counter) {
        freeTimers.add(timer);
        freeCounters.add(counter);
    }

    /** The calling thread's stripe: one lookup per request, then plain adds. */
    Stripe stripe() {
        return local.get();
    }

    private Stripe newStripe() {
        Stripe s = new Stripe();
        stripes.add(s);
        return s;
    }

    /** Counter {@code counter} over every thread. */
    long sum(int counter) {
        long sum = 0;
        for (Stripe s : stripes) {
            long[] c = s.counts;
            if (counter < c.length) {
                sum += (long) LONGS.getOpaque(c, counter);
            }
        }
        return sum;
    }

    /** Adds timer {@code timer}'s bucket counts over every thread into {@code into} (length {@link #BUCKETS}). */
    void buckets(int timer, long[] into) {
        Arrays.fill(into, 0);
        for (Stripe s : stripes) {
            long[][] all = s.buckets;
            long[] b = timer < all.length ? all[timer] : null;
            if (b != null) {
                for (int i = 0; i < BUCKETS; i++) {
                    into[i] += (long) LONGS.getOpaque(b, i);
                }
            }
        }
    }

    /** The bucket of a latency of {@code millis}. */
    static int bucket(long millis) {
        if (millis < 128) {
            return millis <= 0 ? 0 : (int) millis;
        }
        long v = Math.min(millis, MAX_MILLIS);
        int shift = 57 - Long.numberOfLeadingZeros(v);   // v >>> shift is in [64, 128)
        return 128 + (shift - 1) * 64 + (int) ((v >>> shift) - 64);
    }

    /** The lowest latency, in milliseconds, that counts in {@code bucket}. */
    static long lowest(int bucket) {
        if (bucket < 128) {
            return bucket;
        }
        int k = bucket - 128;
        return (64L + k % 64) << (k / 64 + 1);
    }

    /** One thread's counts. Written by that thread only. */
    static final class Stripe {
        private volatile long[] counts = new long[16];
        private volatile long[][] buckets = new long[4][];

        private Stripe() {
        }

        /** Adds {@code n} to counter {@code counter}. */
        void add(int counter, long n) {
            long[] c = counts;
            if (counter >= c.length) {
                c = Arrays.copyOf(c, Math.max(counter + 1, c.length * 2));
                counts = c;
            }
            LONGS.setOpaque(c, counter, (long) LONGS.getOpaque(c, counter) + n);
        }

        /** Counts one latency of {@code millis} for timer {@code timer}, whose count is counter {@code counter}. */
        void time(int timer, int counter, long millis) {
            add(counter, 1);
            long[][] all = buckets;
            if (timer >= all.length) {
                all = Arrays.copyOf(all, Math.max(timer + 1, all.length * 2));
                buckets = all;
            }
            long[] b = all[timer];
            if (b == null) {
                b = new long[BUCKETS];
                all[timer] = b;
                buckets = all;   // publishes the new array
            }
            int i = bucket(millis);
            LONGS.setOpaque(b, i, (long) LONGS.getOpaque(b, i) + 1);
        }
    }
}
