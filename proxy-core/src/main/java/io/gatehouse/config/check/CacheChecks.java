package io.gatehouse.config.check;

import io.gatehouse.config.bind.BoundCluster;
import io.gatehouse.config.bind.BoundDirectory;
import io.gatehouse.config.bind.Problems;
import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.source.SourcePos;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cluster's cache keys that can have no effect, given {@code [proxypass]} (which may be in any file):
 * each is a warning at its line saying why. A cluster caches when it says {@code cache = yes}, or says
 * nothing and {@code [proxypass]} is written with a tier that is not 0; and only while some tier is not 0.
 * So {@code cache_key}, {@code cache_valid} and {@code cache_use_stale} do nothing beside {@code cache = no},
 * every cache key does nothing when the written {@code [proxypass]} turns both tiers off, and the keys of a
 * cluster that does not say {@code cache = yes} do nothing when no {@code [proxypass]} section is written.
 */
public final class CacheChecks {
    private CacheChecks() {
    }

    public static void check(BoundDirectory dir, Problems problems) {
        ProxyPassSpec proxyPass = dir.proxyPass().isEmpty() ? ProxyPassSpec.defaults() : dir.proxyPass().get(0);
        Set<String> seen = new HashSet<>();
        for (BoundCluster cluster : dir.clusters()) {
            if (!seen.add(cluster.name()) || cluster.spec().isEmpty() || cluster.cacheKeys().isEmpty()) {
                continue;
            }
            ClusterCacheSpec cache = cluster.spec().get().cache();
            String label = "[@" + cluster.name() + "] ";
            for (Map.Entry<String, SourcePos> key : cluster.cacheKeys().entrySet()) {
                why(key.getKey(), cache.enabled(), proxyPass).ifPresent(reason -> problems.warning(key.getValue(),
                        label + written(key.getKey(), cache) + " has no effect: " + reason));
            }
        }
    }

    /** Why {@code key} has no effect, or empty when it has one. */
    private static Optional<String> why(String key, Optional<Boolean> enabled, ProxyPassSpec proxyPass) {
        if (enabled.equals(Optional.of(false))) {
            return key.equals("cache") ? Optional.empty() : Optional.of("this cluster says cache = no");
        }
        if (!proxyPass.hasTier()) {
            return Optional.of("[proxypass] at " + proxyPass.pos() + " has cache_memory = 0 and cache_disk = 0,"
                    + " so nothing can be stored");
        }
        if (enabled.isEmpty() && !proxyPass.written()) {
            return Optional.of("no [proxypass] section with cache_memory or cache_disk; write one, or cache = yes"
                    + " in this cluster");
        }
        return Optional.empty();
    }

    /** {@code cache = yes} for the switch, the key's name for the others. */
    private static String written(String key, ClusterCacheSpec cache) {
        return key.equals("cache") ? "cache = " + (cache.enabled().orElse(false) ? "yes" : "no") : key;
    }
}
