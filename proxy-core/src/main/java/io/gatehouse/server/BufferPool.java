package io.gatehouse.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The I/O buffers for listeners and upstream connections: fixed-size buffers kept per thread, with a
 * bounded shared overflow. Undertow's {@code DefaultByteBufferPool} finds a thread's cache through a
 * synchronized map on every allocation and release; on the proxy's hot path that lock was a
 * measurable share of each request, so Gatehouse keeps the cache in a plain {@link ThreadLocal}.
 */
public final class BufferPool implements ByteBufferPool {
    private final boolean direct;
    private final int bufferSize;
    private final int perThread;
    private final int sharedMax;
    private final ThreadLocal<ArrayDeque<ByteBuffer>> local;
    private final ConcurrentLinkedQueue<ByteBuffer> shared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sharedCount = new AtomicInteger();
    private final BufferPool heapPool;

    /**
     * @param direct     direct (off-heap) buffers, the right choice for sockets
     * @param bufferSize bytes per buffer
     * @param perThread  buffers each thread keeps for itself
     * @param sharedMax  buffers kept in the shared overflow; beyond it, released buffers are left to the GC
     */
    public BufferPool(boolean direct, int bufferSize, int perThread, int sharedMax) {
        this(direct, bufferSize, perThread, sharedMax, null);
    }

    private BufferPool(boolean direct, int bufferSize, int perThread, int sharedMax, BufferPool heapPool) {
        if (bufferSize < 1024) {
            throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: >= 1024)");
        }
        this.direct = direct;
        this.bufferSize = bufferSize;
        this.perThread = perThread;
        this.sharedMax = sharedMax;
        this.local = ThreadLocal.withInitial(() -> new ArrayDeque<>(perThread));
        this.heapPool = heapPool != null ? heapPool
                : direct ? new BufferPool(false, bufferSize, perThread, sharedMax, null) : this;
    }

    @Override
    public PooledByteBuffer allocate() {
        ByteBuffer buffer = local.get().pollLast();
        if (buffer == null) {
            buffer = shared.poll();
            if (buffer != null) {
                sharedCount.decrementAndGet();
            } else {
                buffer = direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
            }
        }
        return new Pooled(buffer);
    }

    private void release(ByteBuffer buffer) {
        buffer.clear();
        ArrayDeque<ByteBuffer> mine = local.get();
        if (mine.size() < perThread) {
            mine.addLast(buffer);
        } else if (sharedCount.get() < sharedMax) {
            sharedCount.incrementAndGet();
            shared.offer(buffer);
        }
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
        return heapPool;
    }

    @Override
    public void close() {
        shared.clear();
    }

    @Override
    public int getBufferSize() {
        return bufferSize;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    private final class Pooled implements PooledByteBuffer {
        private ByteBuffer buffer;

        Pooled(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getBuffer() {
            ByteBuffer b = buffer;
            if (b == null) {
                throw new IllegalStateException("buffer used after it was released");
            }
            return b;
        }

        @Override
        public void close() {
            ByteBuffer b = buffer;
            if (b != null) {
                buffer = null;
                release(b);
            }
        }

        @Override
        public boolean isOpen() {
            return buffer != null;
        }
    }
}
