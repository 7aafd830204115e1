package io.gatehouse.upstream;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.MemberSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A loaded configuration with one cluster changed in process ({@link ClusterSpec#withPolicy}, a member
 * written {@code down}), for tests of what the cluster keys do, built the way the binder builds them.
 */
final class ConfigEdits {
    private ConfigEdits() {
    }

    /** {@code config} with cluster {@code name} replaced by {@code edit} of it. */
    static GatehouseConfig cluster(GatehouseConfig config, String name, UnaryOperator<ClusterSpec> edit) {
        Map<String, ClusterSpec> clusters = new LinkedHashMap<>(config.clusters());
        ClusterSpec spec = clusters.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no cluster " + name);
        }
        clusters.put(name, edit.apply(spec));
        return new GatehouseConfig(config.confDir(), config.sites(), config.listeners(), clusters, config.log(),
                config.proxyPass());
    }

    /** {@code config} with cluster {@code name} under {@code policy}. */
    static GatehouseConfig policy(GatehouseConfig config, String name, MemberPolicy policy) {
        return cluster(config, name, spec -> spec.withPolicy(policy));
    }

    /** {@code spec} with its member number {@code index} written {@code down}. */
    static ClusterSpec down(ClusterSpec spec, int index) {
        List<MemberSpec> members = new ArrayList<>(spec.members());
        MemberSpec m = members.get(index);
        members.set(index, new MemberSpec(m.pos(), m.address(), m.weight(), m.backup(), true));
        return new ClusterSpec(spec.pos(), spec.name(), members, spec.ssl(), spec.strategy(), spec.roles(), spec.ips(),
                spec.resolveInterval(), spec.trust(), spec.policy(), spec.cache());
    }

    /** A policy: the defaults but for these. */
    static MemberPolicy policy(int maxFails, Duration failTimeout, Optional<HealthCheckSpec> health, Duration slowStart) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), health, maxFails, failTimeout, d.failOn(), slowStart, d.retries(),
                d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }
}
