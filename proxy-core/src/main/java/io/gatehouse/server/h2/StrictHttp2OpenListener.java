package io.gatehouse.server.h2;

import io.gatehouse.server.OpenConnections;
import io.undertow.UndertowOptions;
import io.undertow.conduits.ReadTimeoutStreamSourceConduit;
import io.undertow.conduits.WriteTimeoutStreamSinkConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2ReceiveListener;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;

/**
 * Serves HTTP/2 connections (after ALPN {@code h2}, or the h2c preface) as Undertow's own HTTP/2 open
 * listener does, over a {@link StrictHttp2Channel}, so that a request whose {@code :authority} and
 * {@code Host} disagree can be refused. A drop-in for Undertow's listener, which is final and makes its
 * channel itself: the same options, root handler and {@link #closeConnections}; no connector statistics.
 */
public final class StrictHttp2OpenListener implements DelegateOpenListener {
    private final Set<Http2Channel> connections = ConcurrentHashMap.newKeySet();
    private final ByteBufferPool bufferPool;
    private volatile HttpHandler rootHandler;
    private volatile OptionMap undertowOptions;

    private final OpenConnections open;

    public StrictHttp2OpenListener(ByteBufferPool bufferPool, OptionMap undertowOptions) {
        this(bufferPool, undertowOptions, new OpenConnections());
    }

    /** @param open counts the connections this listener serves while they are open */
    public StrictHttp2OpenListener(ByteBufferPool bufferPool, OptionMap undertowOptions, OpenConnections open) {
        this.bufferPool = bufferPool;
        this.undertowOptions = undertowOptions;
        this.open = open;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        handleEvent(connection, null);
    }

    @Override
    public void handleEvent(StreamConnection connection, PooledByteBuffer buffer) {
        OptionMap options = undertowOptions;
        Http2Channel channel = new StrictHttp2Channel(connection, "h2", bufferPool, buffer, options);
        Integer idle = options.get(UndertowOptions.IDLE_TIMEOUT);
        if (idle != null && idle > 0) {
            channel.setIdleTimeout(idle);
        }
        try {
            Integer read = connection.getOption(Options.READ_TIMEOUT);
            if (read != null && read > 0) {
                connection.getSourceChannel().setConduit(
                        new ReadTimeoutStreamSourceConduit(connection.getSourceChannel().getConduit(), connection, this));
            }
            Integer write = connection.getOption(Options.WRITE_TIMEOUT);
            if (write != null && write > 0) {
                connection.getSinkChannel().setConduit(
                        new WriteTimeoutStreamSinkConduit(connection.getSinkChannel().getConduit(), connection, this));
            }
        } catch (IOException e) {
            IoUtils.safeClose(channel);
            return;
        }
        connections.add(channel);
        channel.addCloseTask(connections::remove);
        channel.getReceiveSetter().set(new Http2ReceiveListener(rootHandler, options, bufferPool.getBufferSize(), null));
        channel.resumeReceives();
        open.track(connection);
    }

    @Override
    public void closeConnections() {
        for (Http2Channel c : connections) {
            IoUtils.safeClose(c);
        }
    }

    @Override
    public HttpHandler getRootHandler() {
        return rootHandler;
    }

    @Override
    public void setRootHandler(HttpHandler rootHandler) {
        this.rootHandler = rootHandler;
    }

    @Override
    public OptionMap getUndertowOptions() {
        return undertowOptions;
    }

    @Override
    public void setUndertowOptions(OptionMap undertowOptions) {
        this.undertowOptions = undertowOptions;
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return bufferPool;
    }

    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return null;
    }
}
