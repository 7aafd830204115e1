package io.gatehouse.runtime;

import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.upstream.UpstreamCluster;
import io.gatehouse.upstream.UpstreamRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.util.AttachmentKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One generation of the running configuration: the compiled chain of every listener and the
 * clusters it routes to. Immutable; a reload builds a new one and swaps it in through
 * {@link RuntimeHolder}. A request is served by the generation it started with.
 */
public final class Runtime {
    /** The generation serving an exchange, attached once by the listener's root handler. */
    public static final AttachmentKey<Runtime> KEY = AttachmentKey.create(Runtime.class);

    private final long generation;
    private final GatehouseConfig config;
    private final Map<HostPort, HttpHandler> chains;
    private final List<UpstreamCluster> clusters;
    private final UpstreamRegistry.Claim upstreams;
    private final Instant builtAt;

    Runtime(long generation, GatehouseConfig config, Map<HostPort, HttpHandler> chains,
            List<UpstreamCluster> clusters, UpstreamRegistry.Claim upstreams, Instant builtAt) {
        this.generation = generation;
        this.config = config;
        this.chains = Map.copyOf(chains);
        this.clusters = List.copyOf(clusters);
        this.upstreams = upstreams;
        this.builtAt = builtAt;
    }

    public long generation() {
        return generation;
    }

    public GatehouseConfig config() {
        return config;
    }

    /** The chain of the listener bound to {@code bind}, or null if this generation has no such listener. */
    public HttpHandler chain(HostPort bind) {
        return chains.get(bind);
    }

    /** The binds of this generation's listeners. */
    public Set<HostPort> binds() {
        return chains.keySet();
    }

    public List<UpstreamCluster> clusters() {
        return clusters;
    }

    /**
     * Every member this generation uses, as claimed from the registry: {@code adopt} it before the swap
     * and {@code retainOnly} it after.
     */
    public UpstreamRegistry.Claim upstreams() {
        return upstreams;
    }

    public Instant builtAt() {
        return builtAt;
    }
}
