package io.gatehouse.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One HTTP/1.1 connection to a member, used by the IO thread that opened it and by one request at a
 * time. Its reads stay armed for its whole life: during a request they bring the response, and while
 * it waits in the pool they tell at once when the member closes it (an idle timeout, a restart), so a
 * closed connection is dropped rather than handed to the next request. Keeping them armed also saves
 * the two {@code epoll_ctl} calls per request that suspending and resuming would cost.
 */
final class MemberConnection {
    private final StreamConnection connection;
    private final InetSocketAddress remote;
    private final ConduitStreamSourceChannel source;
    private final ConduitStreamSinkChannel sink;
    private ConnectionPool pool;
    private boolean closed;

    private final ChannelListener<ConduitStreamSourceChannel> whileIdle = channel -> {
        // Nothing may arrive on an idle connection: the member closed it, or sent bytes that belong to
        // no request. Either way it is not reusable.
        try {
            if (channel.read(ByteBuffer.allocate(1)) != 0) {
                close();
            }
        } catch (IOException e) {
            close();
        }
    };

    /** @param remote the address it was opened to, as its {@link MemberEndpoint} gave it */
    MemberConnection(StreamConnection connection, InetSocketAddress remote) {
        this.connection = connection;
        this.remote = remote;
        this.source = connection.getSourceChannel();
        this.sink = connection.getSinkChannel();
        connection.getCloseSetter().set(c -> {
            closed = true;
            ConnectionPool p = pool;
            pool = null;
            if (p != null) {
                p.remove(this);
            }
        });
        source.getReadSetter().set(whileIdle);
        source.resumeReads();
    }

    /** The address it was opened to (the endpoint's address object of that moment). */
    InetSocketAddress remote() {
        return remote;
    }

    ConduitStreamSourceChannel source() {
        return source;
    }

    ConduitStreamSinkChannel sink() {
        return sink;
    }

    StreamConnection connection() {
        return connection;
    }

    boolean isOpen() {
        return !closed && connection.isOpen();
    }

    /**
     * Writes {@code bytes} to the member and flushes. False when the member cannot take them all now
     * (the rest stays in {@code bytes}); the caller then waits for the sink to be writable.
     */
    boolean write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (sink.write(bytes) == 0) {
                return false;
            }
        }
        return sink.flush();
    }

    /** The connection now serves a request: its reads go to {@code reader}. */
    void attach(ChannelListener<? super ConduitStreamSourceChannel> reader) {
        pool = null;
        source.getReadSetter().set(reader);
        sink.getWriteSetter().set(null);
        if (!source.isReadResumed()) {
            source.resumeReads();
        }
    }

    /** The connection waits in {@code idle} for the next request. */
    void park(ConnectionPool idle) {
        pool = idle;
        source.getReadSetter().set(whileIdle);
        sink.getWriteSetter().set(null);
        if (!source.isReadResumed()) {
            source.resumeReads();
        }
    }

    /** The connection becomes a tunnel (a protocol switch): the pool and this class let go of it. */
    StreamConnection detach() {
        pool = null;
        closed = true;
        source.getReadSetter().set(null);
        sink.getWriteSetter().set(null);
        // The close listener stays: XNIO merges close listeners (setting null would plant a null one),
        // and with no pool it does nothing.
        return connection;
    }

    void close() {
        closed = true;
        IoUtils.safeClose(connection);
    }
}
