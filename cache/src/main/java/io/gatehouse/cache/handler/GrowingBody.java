package io.gatehouse.cache.handler;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A body as it comes from the origin, copied chunk by chunk as it streams to the first client, that
 * clients waiting on the same fill read as it grows (each on its own IO thread, at its own pace). The
 * copies are what the stored entry is made of once the body is whole, so nothing is copied twice.
 * Appends come from the fill's IO thread; reads from any: every access is under this object's lock,
 * held for a few field reads only.
 */
final class GrowingBody {
    private static final int OPEN = 0;
    private static final int WHOLE = 1;
    private static final int BROKEN = 2;

    private final long max;
    private ByteBuffer[] chunks = new ByteBuffer[8];
    private int count;
    private long length;
    private int state = OPEN;
    /** Readers that caught up, to be woken by the next chunk or the end; each is woken once. */
    private List<Runnable> waiting = new ArrayList<>(2);

    /** @param max the most it holds ({@code cache_max_object}): an append past it breaks the body */
    GrowingBody(long max) {
        this.max = max;
    }

    /** A body already whole: a stored entry's buffers (read-only, shared, never copied), for a {@link BodyReader}. */
    static GrowingBody whole(ByteBuffer[] buffers) {
        GrowingBody b = new GrowingBody(0);
        b.chunks = buffers;
        b.count = buffers.length;
        for (ByteBuffer c : buffers) {
            b.length += c.remaining();
        }
        b.state = WHOLE;
        return b;
    }

    /** Copies {@code bytes} (its position is not moved); false when that would pass the maximum: the body is then broken. */
    boolean append(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (n == 0) {
            return state == OPEN;
        }
        List<Runnable> wake;
        boolean ok;
        synchronized (this) {
            if (state != OPEN) {
                return false;
            }
            ok = length + n <= max;
            if (!ok) {
                wake = end(BROKEN);
            } else {
                ByteBuffer copy = ByteBuffer.allocate(n);
                copy.put(bytes.duplicate()).flip();
                if (count == chunks.length) {
                    chunks = Arrays.copyOf(chunks, count * 2);
                }
                chunks[count++] = copy.asReadOnlyBuffer();
                length += n;
                wake = takeWaiting();
            }
        }
        run(wake);
        return ok;
    }

    /** The body is whole. */
    void complete() {
        List<Runnable> wake;
        synchronized (this) {
            if (state != OPEN) {
                return;
            }
            wake = end(WHOLE);
        }
        run(wake);
    }

    /** The body will never be whole (the origin failed, or it grew past the maximum). */
    void abandon() {
        List<Runnable> wake;
        synchronized (this) {
            if (state != OPEN) {
                return;
            }
            wake = end(BROKEN);
        }
        run(wake);
    }

    synchronized long length() {
        return length;
    }

    synchronized boolean isWhole() {
        return state == WHOLE;
    }

    synchronized boolean isBroken() {
        return state == BROKEN;
    }

    /** The chunks so far, read-only; the stored entry's body once whole. */
    synchronized List<ByteBuffer> chunks() {
        return List.of(Arrays.copyOf(chunks, count));
    }

    /**
     * What a reader at chunk {@code index} does next: the chunk (a duplicate of its own), or null when
     * there is none yet, in which case {@code wake} runs once when there is one or the body ended; or
     * null with nothing registered when the body ended before {@code index} (see {@link #isWhole()}).
     */
    synchronized ByteBuffer next(int index, Runnable wake) {
        if (index < count) {
            return chunks[index].duplicate();
        }
        if (state == OPEN) {
            waiting.add(wake);
        }
        return null;
    }

    private List<Runnable> end(int to) {
        state = to;
        return takeWaiting();
    }

    private List<Runnable> takeWaiting() {
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<Runnable> w = waiting;
        waiting = new ArrayList<>(2);
        return w;
    }

    private static void run(List<Runnable> wake) {
        for (Runnable r : wake) {
            r.run();
        }
    }
}
