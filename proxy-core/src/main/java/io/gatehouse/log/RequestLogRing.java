package io.gatehouse.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent requests, kept in memory for the admin console; older ones are overwritten.
 *
 * <p>{@link #add} is lock-free and allocates nothing, so IO threads may call it for every request.
 * Each slot has a state word: the sequence number of its record and a "being written" bit. A writer
 * claims the slot by CAS on the state, and gives up if a newer record already claimed it (a writer
 * stalled for a whole lap must not overwrite a newer record); it then swaps the record in by CAS only
 * while it still owns the slot. A reader takes a slot only if its state names the expected sequence
 * and is unchanged after reading the record, so {@link #latest} never shows a record at another
 * record's place. A record being added while {@link #latest} runs may be missing from that one answer.
 * (Records are told apart by identity: the guarantee assumes each request adds its own record.)
 */
public final class RequestLogRing {
    private final int capacity;
    private final AtomicReferenceArray<RequestLogRecord> records;
    /** Per slot: {@code (seq + 1) << 1}, plus 1 while being written; 0 for a slot never written. */
    private final AtomicLongArray states;
    private final AtomicLong next = new AtomicLong();

    /** A ring that keeps the last {@code capacity} records. */
    public RequestLogRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("ring capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.records = new AtomicReferenceArray<>(capacity);
        this.states = new AtomicLongArray(capacity);
    }

    public int capacity() {
        return capacity;
    }

    /** Keeps {@code r} as the newest record, overwriting the oldest when the ring is full. */
    public void add(RequestLogRecord r) {
        long seq = next.getAndIncrement();
        int slot = (int) Math.floorMod(seq, (long) capacity);
        long done = (seq + 1) << 1;
        long writing = done | 1;
        long st;
        do {
            st = states.get(slot);
            if (st >= done) {
                return; // a newer record already took this slot; ours is overwritten already
            }
        } while (!states.compareAndSet(slot, st, writing));
        while (true) {
            RequestLogRecord current = records.get(slot);
            if (states.get(slot) != writing) {
                return; // a newer record took the slot over
            }
            if (records.compareAndSet(slot, current, r)) {
                break;
            }
        }
        states.compareAndSet(slot, writing, done);
    }

    /** Up to {@code n} of the most recent records, newest first. */
    public List<RequestLogRecord> latest(int n) {
        long end = next.get();
        int want = (int) Math.min(Math.min(n, capacity), end);
        if (want <= 0) {
            return List.of();
        }
        List<RequestLogRecord> out = new ArrayList<>(want);
        long oldest = Math.max(0, end - capacity);
        for (long seq = end - 1; seq >= oldest && out.size() < want; seq--) {
            int slot = (int) Math.floorMod(seq, (long) capacity);
            long done = (seq + 1) << 1;
            if (states.get(slot) != done) {
                continue; // still being written, or already overwritten by a newer record
            }
            RequestLogRecord r = records.get(slot);
            if (states.get(slot) == done) {
                out.add(r);
            }
        }
        return out;
    }

    /** Records added since start, including those already overwritten. */
    public long total() {
        return next.get();
    }
}
