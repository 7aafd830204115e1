package io.gatehouse.config.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole validated configuration of one {@code conf.d} directory. Immutable: a reload builds a new
 * one and the running one is never changed.
 *
 * @param confDir   the directory it was read from
 * @param sites     one per {@code *.conf} file, in lexical order
 * @param listeners one per distinct {@code ip:port}, in order of first appearance
 * @param clusters  {@code [@name]} sections by name, in order of appearance
 * @param log       {@code [log]}, or its defaults
 * @param proxyPass {@code [proxypass]}, or its defaults (not {@linkplain ProxyPassSpec#written() written})
 * @param admin     {@code [admin]}; empty when not written: no admin listener
 */
public record GatehouseConfig(Path confDir, List<SiteSpec> sites, List<ListenerSpec> listeners,
                              Map<String, ClusterSpec> clusters, LogSpec log, ProxyPassSpec proxyPass,
                              Optional<AdminSpec> admin) {
    public GatehouseConfig {
        Objects.requireNonNull(confDir, "confDir");
        sites = List.copyOf(sites);
        listeners = List.copyOf(listeners);
        clusters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clusters));
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(proxyPass, "proxyPass");
        Objects.requireNonNull(admin, "admin");
    }

    /** A configuration without {@code [admin]}. */
    public GatehouseConfig(Path confDir, List<SiteSpec> sites, List<ListenerSpec> listeners,
                           Map<String, ClusterSpec> clusters, LogSpec log, ProxyPassSpec proxyPass) {
        this(confDir, sites, listeners, clusters, log, proxyPass, Optional.empty());
    }

    /** Worker threads for the process: the largest {@code threads} of any site. */
    public int workerThreads() {
        return sites.stream().mapToInt(s -> s.server().threads()).max().orElse(4);
    }

    /**
     * Event loops (IO threads) for the process: the largest {@code processes} of any site. Every
     * connection lives on one loop; a loop is what nginx calls a worker process.
     */
    public int ioThreads() {
        return sites.stream().mapToInt(s -> s.server().processes()).max().orElse(1);
    }

    /**
     * Entries in the memory cache tier: the largest {@code num_result_cache_max} of any site (the
     * default, 200, when there is no site). May be 0 when every site writes 0.
     */
    public int numResultCacheMax() {
        return sites.stream().mapToInt(s -> s.tune().numResultCacheMax()).max()
                .orElse(TuneFactors.DEFAULTS.numResultCacheMax());
    }

    /**
     * True when {@code [proxypass]} is written with a tier that is not 0: every proxied cluster, and every
     * route's {@code http(s)://} target, caches unless its cluster says {@code cache = no}.
     */
    public boolean cachingOnByDefault() {
        return proxyPass.cachesByDefault();
    }

    /**
     * True when the answers of {@code cluster} are cached: it says {@code cache = yes}, or it says nothing
     * and caching is {@linkplain #cachingOnByDefault() on by default}; and {@code [proxypass]} (written,
     * or its defaults) has a tier that is not 0.
     */
    public boolean caches(ClusterSpec cluster) {
        return proxyPass.hasTier() && cluster.cache().enabled().orElse(proxyPass.cachesByDefault());
    }

    /**
     * True when any answer may be cached, so that a cache store is needed: caching is on by default, or
     * a cluster says {@code cache = yes} with a tier that is not 0. False: nothing is cached and nothing
     * of the cache costs anything.
     */
    public boolean cachingConfigured() {
        return cachingOnByDefault() || clusters.values().stream().anyMatch(this::caches);
    }
}
