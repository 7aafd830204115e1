package io.gatehouse.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.util.function.Supplier;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * The way into Gatehouse's HTTP/1.1 for a connection whose protocol was chosen first (ALPN on a TLS
 * listener, the h2c preface check on a plain one): the bytes already read are given back beneath the
 * strict framing layer ({@code server.edge}), which is installed on the connection (the decrypted one
 * for TLS) before Undertow's HTTP/1.1 parser reads a byte.
 */
final class Http1Entry implements DelegateOpenListener {
    private final HttpOpenListener http;
    private final Supplier<ConnectionGuard> guard;
    private final OpenConnections open;

    Http1Entry(HttpOpenListener http, Supplier<ConnectionGuard> guard, OpenConnections open) {
        this.http = http;
        this.guard = guard;
        this.open = open;
    }

    @Override
    public void handleEvent(StreamConnection connection, PooledByteBuffer buffer) {
        if (buffer != null) {
            try {
                ReplayedBytes.install(connection, buffer.getBuffer());
            } finally {
                buffer.close();
            }
        }
        guard.get().install(connection);
        http.handleEvent(connection);
        open.track(connection);
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        handleEvent(connection, null);
    }

    @Override
    public HttpHandler getRootHandler() {
        return http.getRootHandler();
    }

    @Override
    public void setRootHandler(HttpHandler rootHandler) {
        http.setRootHandler(rootHandler);
    }

    @Override
    public OptionMap getUndertowOptions() {
        return http.getUndertowOptions();
    }

    @Override
    public void setUndertowOptions(OptionMap undertowOptions) {
        http.setUndertowOptions(undertowOptions);
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return http.getBufferPool();
    }

    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return http.getConnectorStatistics();
    }

    @Override
    public void closeConnections() {
        http.closeConnections();
    }
}
