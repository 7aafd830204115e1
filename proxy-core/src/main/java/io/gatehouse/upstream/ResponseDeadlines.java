package io.gatehouse.upstream;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.xnio.XnioExecutor;

/**
 * The clocks of one IO thread's requests that share one timeout ({@code response_timeout}, {@code
 * send_timeout}, {@code client_body_timeout}: one list per distinct value). They all wait
 * the same time, so the order they start in is the order they run out in: a list kept in that order,
 * with one timer armed for its first deadline, does the job. Starting and stopping a clock is a few
 * pointer writes with no allocation, where a timer per request would cost an insertion and a removal in
 * the IO thread's timer tree, each allocating. Used only by its own IO thread.
 */
final class ResponseDeadlines {
    /** One request's clock; the request itself is the entry, so the list allocates nothing. */
    abstract static class Entry {
        private Entry prev;
        private Entry next;
        private long deadline;
        private ResponseDeadlines list;

        /** The time ran out; called on the IO thread, after the entry left the list. */
        abstract void expired();
    }

    private final long durationNanos;
    private final XnioExecutor timers;
    private final LongSupplier nanoClock;
    private final Runnable fire = this::fire;
    private Entry head;
    private Entry tail;
    private XnioExecutor.Key timer;

    ResponseDeadlines(long durationMillis, XnioExecutor timers, LongSupplier nanoClock) {
        this.durationNanos = TimeUnit.MILLISECONDS.toNanos(durationMillis);
        this.timers = timers;
        this.nanoClock = nanoClock;
    }

    /**
     * Starts (or restarts) {@code e}'s clock on this list, stopping it first on any list it was on.
     * Returns the time it started at (this list's clock), for a caller that needs the time too.
     */
    long start(Entry e) {
        stop(e);
        long now = nanoClock.getAsLong();
        e.deadline = now + durationNanos;
        e.list = this;
        e.prev = tail;
        if (tail == null) {
            head = e;
        } else {
            tail.next = e;
        }
        tail = e;
        if (timer == null) {
            arm(durationNanos);
        }
        return now;
    }

    /** Stops {@code e}'s clock if it runs, on whichever list it is. */
    static void stop(Entry e) {
        ResponseDeadlines list = e.list;
        if (list == null) {
            return;
        }
        if (e.prev == null) {
            list.head = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            list.tail = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.list = null;
    }

    /** Clocks running now. */
    int running() {
        int n = 0;
        for (Entry e = head; e != null; e = e.next) {
            n++;
        }
        return n;
    }

    private void arm(long delayNanos) {
        // Rounded up: a timer that fires a little late is harmless, one that fires early only re-arms.
        timer = timers.executeAfter(fire, Math.max(1, (delayNanos + 999_999) / 1_000_000), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        timer = null;
        long now = nanoClock.getAsLong();
        Entry e;
        while ((e = head) != null && e.deadline - now <= 0) {
            stop(e);
            e.expired(); // may start new clocks (a pipelined request that follows): they join the end
        }
        if (head != null && timer == null) {
            arm(head.deadline - now);
        }
    }
}
