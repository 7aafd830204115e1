package io.gatehouse.upstream;

import io.undertow.client.ClientConnection;
import java.util.ArrayDeque;
import org.xnio.IoUtils;

/**
 * Idle keep-alive connections to one member, owned by one IO thread: only that thread takes and
 * returns connections, so there is no lock. The most recently used connection is reused first (it is
 * the least likely to have been closed by the member's idle timeout).
 */
final class ConnectionPool {
    private final int maxIdle;
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();

    ConnectionPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** An open idle connection, or null. Called on the owning IO thread. */
    ClientConnection take() {
        ClientConnection c;
        while ((c = idle.pollLast()) != null) {
            if (c.isOpen()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps the connection for reuse, or closes it when the pool is full. Called on the owning IO thread. */
    void offer(ClientConnection connection) {
        if (!connection.isOpen()) {
            return;
        }
        if (idle.size() >= maxIdle) {
            IoUtils.safeClose(connection);
            return;
        }
        idle.addLast(connection);
    }

    /** Forgets a connection that closed while idle. Called on the owning IO thread. */
    void remove(ClientConnection connection) {
        idle.remove(connection);
    }

    int idleCount() {
        return idle.size();
    }

    /** Closes every idle connection. Called on the owning IO thread. */
    void closeAll() {
        ClientConnection c;
        while ((c = idle.pollLast()) != null) {
            IoUtils.safeClose(c);
        }
    }
}
