package io.gatehouse.upstream;

import java.util.ArrayDeque;

/**
 * Idle keep-alive connections to one member, owned by one IO thread: only that thread takes and
 * returns connections, so there is no lock. The most recently used connection is reused first (it is
 * the least likely to have been closed by the member's idle timeout).
 */
final class ConnectionPool {
    private final int maxIdle;
    private final ArrayDeque<MemberConnection> idle = new ArrayDeque<>();

    ConnectionPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** An open idle connection, or null. Called on the owning IO thread. */
    MemberConnection take() {
        MemberConnection c;
        while ((c = idle.pollLast()) != null) {
            if (c.isOpen()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps the connection for reuse, or closes it when the pool is full. Called on the owning IO thread. */
    void offer(MemberConnection connection) {
        if (!connection.isOpen()) {
            return;
        }
        if (idle.size() >= maxIdle) {
            connection.close();
            return;
        }
        idle.addLast(connection);
        connection.park(this);
    }

    /** Forgets a connection that closed while idle. Called on the owning IO thread. */
    void remove(MemberConnection connection) {
        idle.remove(connection);
    }

    int idleCount() {
        return idle.size();
    }

    /** Closes every idle connection. Called on the owning IO thread. */
    void closeAll() {
        MemberConnection c;
        while ((c = idle.pollLast()) != null) {
            c.close();
        }
    }
}
