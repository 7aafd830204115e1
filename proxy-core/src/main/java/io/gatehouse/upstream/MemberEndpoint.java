package io.gatehouse.upstream;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where connections to one member go, shared by every cluster that lists it: the address its name
 * resolves to now, and its idle keep-alive connections, one pool per IO thread (only that thread
 * touches its pool, so none is locked). Kept in {@link UpstreamRegistry} by {@link MemberKey} across
 * reloads. When the name comes to resolve elsewhere, new connections go to the new address and the old
 * ones drain: idle ones are closed, busy ones finish their request and are closed instead of kept. A
 * retired endpoint (no configuration lists it any more) keeps no connection at all.
 */
public final class MemberEndpoint {
    private final MemberKey key;
    /** {@code host:port} as written, made once: the logs name the member by it on every request. */
    private final String label;
    private final ConnectionPool[] pools;
    private volatile InetSocketAddress address;
    private volatile boolean retired;

    MemberEndpoint(MemberKey key, InetSocketAddress address, int ioThreads, int maxIdlePerThread) {
        this.key = Objects.requireNonNull(key, "key");
        this.label = key.address().toString();
        this.address = Objects.requireNonNull(address, "address");
        this.pools = new ConnectionPool[ioThreads];
        for (int i = 0; i < ioThreads; i++) {
            pools[i] = new ConnectionPool(maxIdlePerThread);
        }
    }

    public MemberKey key() {
        return key;
    }

    /** The member's {@code host:port} as written in {@code members} (IPv6 in brackets), as the logs name it. */
    public String label() {
        return label;
    }

    /**
     * Where new connections go: resolved off the IO threads (when the configuration was built, then by
     * the registry's schedule). A TLS member's certificate is checked against the configured host name
     * ({@link MemberKey#address()}), never against this address's.
     */
    public InetSocketAddress address() {
        return address;
    }

    /** True once no configuration lists this member: it keeps no idle connection. */
    public boolean isRetired() {
        return retired;
    }

    /** Idle connections kept on IO thread {@code ioThread} now (call on that thread). */
    public int idleConnections(int ioThread) {
        return pool(ioThread).idleCount();
    }

    /** An open idle connection of IO thread {@code ioThread}, or null. Call on that thread. */
    MemberConnection take(int ioThread) {
        return pool(ioThread).take();
    }

    /**
     * Takes back a connection whose request is over and that may serve another: kept for reuse unless
     * the endpoint is retired or moved to another address meanwhile. Call on the connection's IO thread.
     */
    void release(int ioThread, MemberConnection connection) {
        // The very address object it was opened to: moveTo installs a new one, so identity tells.
        if (retired || connection.remote() != address) {
            connection.close();
            return;
        }
        pool(ioThread).offer(connection);
    }

    /** New connections go to {@code to}; the caller then closes the idle ones ({@link #closeIdle}). */
    void moveTo(InetSocketAddress to) {
        address = Objects.requireNonNull(to, "to");
    }

    /** No configuration lists this member any more; the caller then closes the idle connections. */
    void retire() {
        retired = true;
    }

    /** Closes the idle connections of IO thread {@code ioThread}. Call on that thread. */
    void closeIdle(int ioThread) {
        pool(ioThread).closeAll();
    }

    private ConnectionPool pool(int ioThread) {
        return pools[Math.floorMod(ioThread, pools.length)];
    }

    @Override
    public String toString() {
        return key.toString();
    }
}
