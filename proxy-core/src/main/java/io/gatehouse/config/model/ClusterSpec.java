package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An {@code [@name]} section: an upstream cluster, global by name.
 *
 * @param name     the name without the {@code @}
 * @param members  at least one member
 * @param ssl      {@code ssl = yes}: TLS to the members
 * @param strategy {@code strategy}: balancing strategy name (default {@code round_robin})
 * @param roles    {@code roles}: token roles of which one is required (empty: no token needed)
 * @param ips      {@code ips}: client address blocks as written (empty: any client)
 * @param resolveInterval {@code resolve_interval}: how often member host names are looked up again
 *                        (zero: only when the configuration is loaded)
 * @param trust    {@code ca} and {@code verify}: how the members' certificates are checked (with {@code ssl = yes})
 * @param policy   hash key, health checks, passive health, slow start, retries and overload
 * @param cache    {@code cache}, {@code cache_key}, {@code cache_valid} and {@code cache_use_stale}
 * @param keys     where each key of the section was written, for checks made after binding
 */
public record ClusterSpec(SourcePos pos, String name, List<MemberSpec> members, boolean ssl, String strategy,
                          List<String> roles, List<String> ips, Duration resolveInterval, MemberTlsSpec trust,
                          MemberPolicy policy, ClusterCacheSpec cache, KeyPositions keys) {
    /** {@code resolve_interval}'s default, as nginx's {@code resolver valid=} would re-check a name. */
    public static final Duration DEFAULT_RESOLVE_INTERVAL = Duration.ofSeconds(60);

    public ClusterSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resolveInterval, "resolveInterval");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(keys, "keys");
        if (resolveInterval.isNegative()) {
            throw new IllegalArgumentException("resolve_interval: " + resolveInterval + " (expected: >= 0)");
        }
        members = List.copyOf(members);
        roles = List.copyOf(roles);
        ips = List.copyOf(ips);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("cluster " + name + " has no members");
        }
    }

    /** A cluster whose keys' lines are not known (made in code rather than read from a file). */
    public ClusterSpec(SourcePos pos, String name, List<MemberSpec> members, boolean ssl, String strategy,
                       List<String> roles, List<String> ips, Duration resolveInterval, MemberTlsSpec trust,
                       MemberPolicy policy, ClusterCacheSpec cache) {
        this(pos, name, members, ssl, strategy, roles, ips, resolveInterval, trust, policy, cache, KeyPositions.none(pos));
    }

    /** A cluster whose cache keys are all left out (it follows {@code [proxypass]}). */
    public ClusterSpec(SourcePos pos, String name, List<MemberSpec> members, boolean ssl, String strategy,
                       List<String> roles, List<String> ips, Duration resolveInterval, MemberTlsSpec trust,
                       MemberPolicy policy) {
        this(pos, name, members, ssl, strategy, roles, ips, resolveInterval, trust, policy, ClusterCacheSpec.DEFAULTS);
    }

    /** A cluster with every member policy at its default. */
    public ClusterSpec(SourcePos pos, String name, List<MemberSpec> members, boolean ssl, String strategy,
                       List<String> roles, List<String> ips, Duration resolveInterval, MemberTlsSpec trust) {
        this(pos, name, members, ssl, strategy, roles, ips, resolveInterval, trust, MemberPolicy.DEFAULTS);
    }

    /** A cluster whose members' certificates (with {@code ssl = yes}) are checked the default way. */
    public ClusterSpec(SourcePos pos, String name, List<MemberSpec> members, boolean ssl, String strategy,
                       List<String> roles, List<String> ips, Duration resolveInterval) {
        this(pos, name, members, ssl, strategy, roles, ips, resolveInterval, MemberTlsSpec.SYSTEM);
    }

    /**
     * The cluster of one that a route's {@code http(s)://host:port} target stands for: round robin over
     * its one member, names looked up again at the default interval, an {@code https} member's certificate
     * checked against the system trust store, its answers cached as {@code [proxypass]} says.
     */
    public static ClusterSpec single(SourcePos pos, String name, HostPort address, boolean tls) {
        return new ClusterSpec(pos, name, List.of(new MemberSpec(pos, address, 1, false)), tls, "round_robin",
                List.of(), List.of(), DEFAULT_RESOLVE_INTERVAL, MemberTlsSpec.SYSTEM, MemberPolicy.DEFAULTS,
                ClusterCacheSpec.DEFAULTS);
    }

    /** The same cluster with {@code policy}. */
    public ClusterSpec withPolicy(MemberPolicy policy) {
        return new ClusterSpec(pos, name, members, ssl, strategy, roles, ips, resolveInterval, trust, policy, cache, keys);
    }

    /** The same cluster with {@code cache}. */
    public ClusterSpec withCache(ClusterCacheSpec cache) {
        return new ClusterSpec(pos, name, members, ssl, strategy, roles, ips, resolveInterval, trust, policy, cache, keys);
    }

    /** The same cluster with its keys' lines. */
    public ClusterSpec withKeys(KeyPositions keys) {
        return new ClusterSpec(pos, name, members, ssl, strategy, roles, ips, resolveInterval, trust, policy, cache, keys);
    }
}
