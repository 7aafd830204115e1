package io.gatehouse.server.edge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

/**
 * A socket stand-in: each {@link #arrive} is one segment, and one {@code read} never returns bytes
 * of two segments, as a socket read would not when the segments arrived apart. Records how the
 * conduit above it asks to be woken.
 */
final class ScriptedSource implements StreamSourceConduit {
    private final Deque<ByteBuffer> segments = new ArrayDeque<>();
    private boolean ended;
    boolean resumed;
    int resumeCalls;
    int wakeupCalls;
    int awaitCalls;
    int socketReads;

    ScriptedSource arrive(byte[] bytes) {
        if (bytes.length > 0) {
            segments.add(ByteBuffer.wrap(bytes));
        }
        return this;
    }

    ScriptedSource end() {
        ended = true;
        return this;
    }

    boolean drained() {
        return segments.isEmpty();
    }

    @Override
    public int read(ByteBuffer dst) {
        socketReads++;
        ByteBuffer head = segments.peek();
        if (head == null) {
            return ended ? -1 : 0;
        }
        int n = Math.min(dst.remaining(), head.remaining());
        ByteBuffer slice = head.duplicate();
        slice.limit(slice.position() + n);
        dst.put(slice);
        head.position(head.position() + n);
        if (!head.hasRemaining()) {
            segments.poll();
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void terminateReads() {
        ended = true;
    }

    @Override
    public boolean isReadShutdown() {
        return ended;
    }

    @Override
    public void resumeReads() {
        resumeCalls++;
        resumed = true;
    }

    @Override
    public void suspendReads() {
        resumed = false;
    }

    @Override
    public void wakeupReads() {
        wakeupCalls++;
        resumed = true;
    }

    @Override
    public boolean isReadResumed() {
        return resumed;
    }

    @Override
    public void awaitReadable() throws IOException {
        awaitCalls++;
    }

    @Override
    public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
        awaitCalls++;
    }

    @Override
    public XnioIoThread getReadThread() {
        return null;
    }

    @Override
    public void setReadReadyHandler(ReadReadyHandler handler) {
    }

    @Override
    public XnioWorker getWorker() {
        return null;
    }
}
