package io.gatehouse.upstream;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HashKey;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.PickerContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/** Member states and picker contexts for balancing tests: no registry, no sockets. */
public final class Members {
    private static final SourcePos POS = new SourcePos("test.conf", 1);

    private Members() {
    }

    /** The state of a loopback member {@code 127.0.0.1:port} in cluster {@code test}, with one IO thread. */
    public static MemberState state(int port) {
        MemberKey key = new MemberKey(false, new HostPort("127.0.0.1", port));
        return new MemberState("test", new MemberEndpoint(key,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1, 1));
    }

    /** A context over {@code members} with a seeded random source and the given clock. */
    public static PickerContext context(LongSupplier nanoClock, ClusterMember... members) {
        List<MemberSpec> specs = Arrays.stream(members)
                .map(m -> new MemberSpec(POS, m.state().key().address(), m.weight(), m.backup())).toList();
        ClusterSpec spec = new ClusterSpec(POS, "test", specs, false, "round_robin", List.of(), List.of(),
                ClusterSpec.DEFAULT_RESOLVE_INTERVAL);
        return new PickerContext(spec, List.of(members), new SplittableRandom(7), nanoClock);
    }

    /** A context over {@code members} with a seeded random source and a clock that stands still. */
    public static PickerContext context(ClusterMember... members) {
        return context(() -> 0L, members);
    }

    /**
     * A context over {@code members} for a cluster with {@code policy} (its {@code hash_key},
     * {@code slow_start}...), members marked {@code down} as given, a seeded random source and the given clock.
     */
    public static PickerContext context(MemberPolicy policy, LongSupplier nanoClock, ClusterMember... members) {
        List<MemberSpec> specs = Arrays.stream(members)
                .map(m -> new MemberSpec(POS, m.state().key().address(), m.weight(), m.backup(), m.down())).toList();
        ClusterSpec spec = new ClusterSpec(POS, "test", specs, false, "round_robin", List.of(), List.of(),
                ClusterSpec.DEFAULT_RESOLVE_INTERVAL, MemberTlsSpec.SYSTEM, policy);
        return new PickerContext(spec, List.of(members), new SplittableRandom(7), nanoClock);
    }

    /** The default member policy with {@code hash_key} and {@code slow_start} as given. */
    public static MemberPolicy policy(HashKey hashKey, Duration slowStart) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(hashKey, d.health(), d.maxFails(), d.failTimeout(), d.failOn(), slowStart, d.retries(),
                d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }

    /** The default member policy with {@code max_fails} as given (0: passive health off). */
    public static MemberPolicy policyWithMaxFails(int maxFails) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), d.health(), maxFails, d.failTimeout(), d.failOn(), d.slowStart(), d.retries(),
                d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }
}
