package io.gatehouse.upstream;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests of one cluster that wait for a member under {@code max_connections} (HAProxy's server
 * queue with {@code maxqueue} and {@code timeout queue}): bounded by {@code max_queue}, oldest first.
 * Only a cluster with {@code max_connections} has one, and only an exchange that found every usable
 * member full touches its lock; the end of an attempt reads one volatile count and takes the lock only
 * when someone waits.
 *
 * <p>A waiter is a {@link MemberExchange} on its own IO thread. The end of an attempt of the cluster
 * (on whichever IO thread) hands the freed slot to the oldest waiter that has not tried the member it
 * came from, and wakes it on its own IO thread; it picks again there. Lost wake-ups are ruled out the
 * way Dekker's algorithm does: a waiter adds itself, then looks at the members' counts again; an ending
 * attempt lowers its member's count, then looks at the queue; with both sides atomic, one of them
 * sees the other.
 */
final class WaitQueue {
    private final int capacity;
    private final long timeoutMillis;
    /** How many wait now: read without the lock by every ending attempt. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Guarded by {@code this}. */
    private final ArrayDeque<MemberExchange> waiters = new ArrayDeque<>();

    /**
     * @param capacity      {@code max_queue}: how many may wait at once (0: none)
     * @param timeoutMillis {@code queue_timeout}: the longest wait
     */
    WaitQueue(int capacity, long timeoutMillis) {
        this.capacity = capacity;
        this.timeoutMillis = timeoutMillis;
    }

    /** {@code queue_timeout} in milliseconds. */
    long timeoutMillis() {
        return timeoutMillis;
    }

    /** {@code max_queue}. */
    int capacity() {
        return capacity;
    }

    /** Requests waiting now. */
    int size() {
        return waiting.get();
    }

    /**
     * Adds {@code e} behind the others; false when {@code max_queue} wait already (or no wait is allowed).
     * {@code first}: a waiter that was woken and found no room after all goes back to the front, where
     * it was; it held a place, so the bound does not refuse it.
     */
    boolean add(MemberExchange e, boolean first) {
        synchronized (this) {
            if (first) {
                waiters.addFirst(e);
            } else {
                if (waiters.size() >= capacity || timeoutMillis <= 0) {
                    return false;
                }
                waiters.addLast(e);
            }
            waiting.incrementAndGet();
            return true;
        }
    }

    /** Takes {@code e} out (it gave up or found room itself); false when it was not waiting (a wake-up is on its way). */
    boolean remove(MemberExchange e) {
        synchronized (this) {
            for (Iterator<MemberExchange> it = waiters.iterator(); it.hasNext(); ) {
                if (it.next() == e) {
                    it.remove();
                    waiting.decrementAndGet();
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * An attempt with {@code freed} ended: its slot goes to the oldest waiter that has not tried that
     * member already, woken on its IO thread. Costs one volatile read when nobody waits.
     */
    void slotFreed(MemberState freed) {
        if (waiting.get() == 0) {
            return;
        }
        MemberExchange next = null;
        synchronized (this) {
            for (Iterator<MemberExchange> it = waiters.iterator(); it.hasNext(); ) {
                MemberExchange e = it.next();
                if (!e.attempted(freed)) {
                    it.remove();
                    waiting.decrementAndGet();
                    next = e;
                    break;
                }
            }
        }
        if (next != null) {
            next.wake(freed);
        }
    }
}
