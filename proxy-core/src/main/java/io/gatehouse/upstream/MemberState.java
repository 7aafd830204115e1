package io.gatehouse.upstream;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of one upstream member, kept in {@link UpstreamRegistry} across reloads: whether it
 * is usable, how many requests it is serving, and its idle connections (one pool per IO thread, so a
 * pool is only ever touched by its own thread and needs no lock).
 */
public final class MemberState {
    private final MemberKey key;
    private final InetSocketAddress address;
    private final ConnectionPool[] pools;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean down;

    MemberState(MemberKey key, InetSocketAddress address, int ioThreads, int maxIdlePerThread) {
        this.key = key;
        this.address = address;
        this.pools = new ConnectionPool[ioThreads];
        for (int i = 0; i < ioThreads; i++) {
            pools[i] = new ConnectionPool(maxIdlePerThread);
        }
    }

    public MemberKey key() {
        return key;
    }

    /**
     * Where connections go: resolved when the configuration was built (never on an IO thread); for TLS
     * members it keeps the configured host name too, for SNI.
     */
    InetSocketAddress address() {
        return address;
    }

    /** False while the member is marked down (health checks and passive ejection set this). */
    public boolean isUsable() {
        return !down;
    }

    public void markDown(boolean isDown) {
        this.down = isDown;
    }

    /** Requests in flight to this member now. */
    public int active() {
        return active.get();
    }

    public long requests() {
        return requests.get();
    }

    public long failures() {
        return failures.get();
    }

    void onRequestStart() {
        active.incrementAndGet();
        requests.incrementAndGet();
    }

    void onRequestEnd() {
        active.decrementAndGet();
    }

    void onFailure() {
        failures.incrementAndGet();
    }

    ConnectionPool pool(int ioThreadNumber) {
        return pools[Math.floorMod(ioThreadNumber, pools.length)];
    }

    void closeIdle() {
        for (ConnectionPool pool : pools) {
            pool.closeAll();
        }
    }

    @Override
    public String toString() {
        return key.toString();
    }
}
