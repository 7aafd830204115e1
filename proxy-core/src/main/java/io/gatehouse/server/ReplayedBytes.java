package io.gatehouse.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.StreamConnection;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Gives back the bytes a connection's first reader took before the HTTP/1.1 parser was chosen (the
 * ALPN step of a TLS connection, the h2c preface check of a plain one), ahead of anything still on the
 * socket, so that the strict framing layer installed above it sees every byte the client sent.
 *
 * <p>Used on the connection's IO thread only; once the bytes are delivered it is a plain pass-through.
 */
final class ReplayedBytes extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private ByteBuffer pending;

    private ReplayedBytes(StreamSourceConduit next, ByteBuffer pending) {
        super(next);
        this.pending = pending;
    }

    /** Puts {@code bytes} (copied) beneath whatever is installed next on {@code connection}'s reads. */
    static void install(StreamConnection connection, ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes).flip();
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.setConduit(new ReplayedBytes(source.getConduit(), copy));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ByteBuffer bytes = pending;
        if (bytes == null) {
            return next.read(dst);
        }
        int n = Math.min(dst.remaining(), bytes.remaining());
        int limit = bytes.limit();
        bytes.limit(bytes.position() + n);
        dst.put(bytes);
        bytes.limit(limit);
        if (!bytes.hasRemaining()) {
            pending = null;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (pending == null) {
            return next.read(dsts, offset, length);
        }
        long total = 0;
        for (int i = offset; i < offset + length && pending != null; i++) {
            total += read(dsts[i]);
        }
        return total;
    }

    @Override
    public long transferTo(long position, long count, java.nio.channels.FileChannel target) throws IOException {
        if (pending != null) {
            return 0; // never asked of a request head; the bytes wait for a read
        }
        return next.transferTo(position, count, target);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, org.xnio.channels.StreamSinkChannel target)
            throws IOException {
        if (pending != null) {
            throughBuffer.limit(0);
            return 0;
        }
        return next.transferTo(count, throughBuffer, target);
    }

    @Override
    public void resumeReads() {
        next.resumeReads();
        if (pending != null) {
            next.wakeupReads();
        }
    }

    @Override
    public void awaitReadable() throws IOException {
        if (pending == null) {
            next.awaitReadable();
        }
    }

    @Override
    public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
        if (pending == null) {
            next.awaitReadable(time, timeUnit);
        }
    }
}
