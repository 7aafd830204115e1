package io.gatehouse.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The most recent requests, kept in memory for the admin console; older ones are overwritten.
 *
 * <p>{@link #add} takes no lock, makes no atomic update and allocates nothing, so IO threads may call
 * it for every request: each thread that adds records writes a segment of its own (the last
 * {@code capacity} records it added, each stamped with {@link System#nanoTime()}), and a reader merges
 * the segments newest first. Within a segment a slot is written between two counters, as in a
 * sequence lock: {@code started} moves before the slot is written, {@code added} after. A reader reads
 * {@code added}, then the slots, then {@code started}, and drops every slot that a write begun since
 * may have replaced; so {@link #latest} never shows a record at another record's place, and a record
 * being added while it runs may be missing from that one answer.
 */
public final class RequestLogRing {
    private static final VarHandle STARTED;
    private static final VarHandle ADDED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STARTED = lookup.findVarHandle(Segment.class, "started", long.class);
            ADDED = lookup.findVarHandle(Segment.class, "added", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final LongSupplier clock;
    private final List<Segment> segments = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Segment> local = ThreadLocal.withInitial(this::newSegment);

    /** One thread's last records. Written by that thread only. */
    private static final class Segment {
        final RequestLogRecord[] records;
        final long[] stamps;
        /** Records whose write has begun; moved before a slot is written. */
        long started;
        /** Records written; moved after a slot is written. */
        long added;

        Segment(int capacity) {
            records = new RequestLogRecord[capacity];
            stamps = new long[capacity];
        }
    }

    /** A ring that keeps the last {@code capacity} records. */
    public RequestLogRing(int capacity) {
        this(capacity, System::nanoTime);
    }

    RequestLogRing(int capacity, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("ring capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    private Segment newSegment() {
        Segment s = new Segment(capacity);
        segments.add(s);
        return s;
    }

    public int capacity() {
        return capacity;
    }

    /** Keeps {@code r} as the newest record, overwriting the oldest of this thread's when its segment is full. */
    public void add(RequestLogRecord r) {
        Segment s = local.get();
        long n = s.added;
        int slot = (int) (n % capacity);
        STARTED.setOpaque(s, n + 1);
        VarHandle.storeStoreFence();   // a reader that sees the new slot sees the new start
        s.records[slot] = r;
        s.stamps[slot] = clock.getAsLong();
        ADDED.setRelease(s, n + 1);
    }

    /** Up to {@code n} of the most recent records, newest first. */
    public List<RequestLogRecord> latest(int n) {
        int want = Math.min(n, capacity);
        if (want <= 0) {
            return List.of();
        }
        List<Entry> found = new ArrayList<>();
        for (Segment s : segments) {
            long added = (long) ADDED.getAcquire(s);
            long from = Math.max(0, added - want);
            int first = found.size();
            for (long position = from; position < added; position++) {
                int slot = (int) (position % capacity);
                found.add(new Entry(s.stamps[slot], position, s.records[slot]));
            }
            VarHandle.loadLoadFence();
            long started = (long) STARTED.getOpaque(s);
            // positions a write begun since then may have replaced
            long firstSafe = started - capacity;
            found.subList(first, found.size()).removeIf(e -> e.position < firstSafe);
        }
        found.sort((a, b) -> a.stamp != b.stamp ? Long.compare(b.stamp, a.stamp) : Long.compare(b.position, a.position));
        List<RequestLogRecord> out = new ArrayList<>(Math.min(want, found.size()));
        for (int i = 0; i < found.size() && out.size() < want; i++) {
            out.add(found.get(i).record);
        }
        return out;
    }

    private record Entry(long stamp, long position, RequestLogRecord record) {
    }

    /** Records added since start, including those already overwritten. */
    public long total() {
        long total = 0;
        for (Segment s : segments) {
            total += (long) ADDED.getAcquire(s);
        }
        return total;
    }
}
