package io.gatehouse.config.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether and how a cluster's answers are cached: the {@code cache}, {@code cache_key},
 * {@code cache_valid} and {@code cache_use_stale} keys of its {@code [@name]} section. Whether the
 * cluster caches at all also depends on {@code [proxypass]}: see {@link GatehouseConfig#caches(ClusterSpec)}.
 * {@link #DEFAULTS} is every key left out.
 *
 * @param enabled  {@code cache = yes|no}; empty (the default): follow {@code [proxypass]}, which turns
 *                 caching on for every cluster when it is written with a tier that is not 0
 * @param key      {@code cache_key}: what tells two stored answers apart (default {@code scheme host path query})
 * @param valid    {@code cache_valid}: the freshness lifetime given to a storable answer that carries none
 *                 of its own, as nginx's {@code proxy_cache_valid}; empty (the default): none is given,
 *                 such answers are fresh only as the RFC 9111 heuristics allow
 * @param useStale {@code cache_use_stale}: when a stale entry may stand in for the origin's answer (default off)
 */
public record ClusterCacheSpec(Optional<Boolean> enabled, CacheKeySpec key, Optional<Duration> valid,
                               StaleUse useStale) {
    /** Every cache key of a cluster left out. */
    public static final ClusterCacheSpec DEFAULTS = new ClusterCacheSpec(Optional.empty(), CacheKeySpec.DEFAULT,
            Optional.empty(), StaleUse.OFF);

    public ClusterCacheSpec {
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(valid, "valid");
        Objects.requireNonNull(useStale, "useStale");
        if (valid.isPresent() && (valid.get().isNegative() || valid.get().isZero())) {
            throw new IllegalArgumentException("cache_valid: " + valid.get() + " (expected: more than 0)");
        }
    }
}
