package io.gatehouse.upstream;

import io.gatehouse.config.model.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Member states for the benchmarks, built as the registry builds them, without a registry or sockets. */
public final class BenchMembers {
    private BenchMembers() {
    }

    /** The state of {@code 127.0.0.1:port} in cluster {@code bench}. */
    public static MemberState state(int port) {
        MemberKey key = new MemberKey(false, new HostPort("127.0.0.1", port));
        return new MemberState("bench", new MemberEndpoint(key,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1, 1));
    }

    /** Gives {@code m} a latency sample (for ewma) and leaves {@code inFlight} attempts open. */
    public static void load(MemberState m, long latencyNanos, int inFlight, long nowNanos) {
        m.tryStartAttempt(0);
        m.record(Outcome.Kind.OK, latencyNanos, latencyNanos, nowNanos);
        for (int i = 0; i < inFlight; i++) {
            m.tryStartAttempt(0);
        }
    }
}
