package io.gatehouse.config.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole validated configuration of one {@code conf.d} directory. Immutable: a reload builds a new
 * one and the running one is never changed.
 *
 * @param confDir   the directory it was read from
 * @param sites     one per {@code *.conf} file, in lexical order
 * @param listeners one per distinct {@code ip:port}, in order of first appearance
 * @param clusters  {@code [@name]} sections by name, in order of appearance
 */
public record GatehouseConfig(Path confDir, List<SiteSpec> sites, List<ListenerSpec> listeners,
                              Map<String, ClusterSpec> clusters, LogSpec log, ProxyPassSpec proxyPass) {
    public GatehouseConfig {
        Objects.requireNonNull(confDir, "confDir");
        sites = List.copyOf(sites);
        listeners = List.copyOf(listeners);
        clusters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(clusters));
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(proxyPass, "proxyPass");
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
}
