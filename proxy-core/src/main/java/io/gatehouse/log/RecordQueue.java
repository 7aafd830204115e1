package io.gatehouse.log;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free queue with many producers and one consumer, which can be closed to producers
 * atomically: once {@link #close} returns, no further {@link #offer} succeeds, and the consumer knows
 * exactly how many elements it still has to take.
 *
 * <p>A producer claims an index with one CAS on {@code tail} and then publishes its element into that
 * slot; the consumer takes slots in index order, so between the claim and the publish the consumer
 * sees the queue as empty at that position ({@link #poll} returns null) and tries again later. The
 * closed flag is the top bit of {@code tail}, so a claim and the close cannot interleave.
 */
final class RecordQueue<T> {
    private static final long CLOSED = Long.MIN_VALUE;

    private final AtomicReferenceArray<T> slots;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    /** Written only by the consumer; read by producers to see free space. */
    private final AtomicLong head = new AtomicLong();
    /**
     * Producers' view of where the queue is full: {@code head + capacity} for some {@code head} a producer
     * has read. It only errs low (head never moves back), so a producer re-reads {@code head}, a line the
     * consumer keeps writing from another core, only when this says the queue may be full.
     */
    private volatile long limit;

    /** A queue holding at least {@code capacity} elements (rounded up to a power of two). */
    RecordQueue(int capacity) {
        if (capacity < 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("queue capacity: " + capacity + " (expected: 1..2^30)");
        }
        int size = Integer.highestOneBit(capacity);
        if (size < capacity) {
            size <<= 1;
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.limit = size;
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds {@code e} unless the queue is full or closed; never waits. */
    boolean offer(T e) {
        long t;
        do {
            t = tail.get();
            if ((t & CLOSED) != 0) {
                return false;
            }
            if (t >= limit) {
                long fresh = head.get() + mask + 1;
                limit = fresh;
                if (t >= fresh) {
                    return false;
                }
            }
        } while (!tail.compareAndSet(t, t + 1));
        slots.lazySet((int) t & mask, e); // the consumer's volatile read of the slot sees it published
        return true;
    }

    /** The oldest element, or null if there is none published yet. Consumer thread only. */
    T poll() {
        long h = head.get();
        int slot = (int) h & mask;
        T e = slots.get(slot);
        if (e == null) {
            return null;
        }
        slots.lazySet(slot, null);
        head.lazySet(h + 1);
        return e;
    }

    /** True if the next element to take is published. Consumer thread only. */
    boolean hasNext() {
        return slots.get((int) head.get() & mask) != null;
    }

    /** Closes the queue to producers; returns the index one past the last element ever accepted. */
    long close() {
        return tail.getAndUpdate(t -> t | CLOSED) & ~CLOSED;
    }

    boolean isClosed() {
        return (tail.get() & CLOSED) != 0;
    }

    /** Index of the next element the consumer will take. */
    long head() {
        return head.get();
    }

    /** Elements accepted and not yet taken (approximate while producers are active). */
    int size() {
        return (int) Math.max(0, (tail.get() & ~CLOSED) - head.get());
    }
}
