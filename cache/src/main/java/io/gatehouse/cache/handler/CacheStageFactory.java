package io.gatehouse.cache.handler;

import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.spi.RouteContext;
import io.gatehouse.spi.StageFactory;
import io.gatehouse.upstream.UpstreamProxyHandler;
import io.undertow.server.HttpHandler;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the response cache in front of every route to a cluster that caches ({@code [proxypass]} with a
 * tier, or {@code cache = yes} on the cluster, and not {@code cache = no}); any other route is left as
 * it is, at no cost. The cache itself is opened the first time a configuration caches anything (a
 * configuration that caches nothing opens nothing) and is kept for the life of the process: its tier
 * sizes and directory are those of that configuration, and a later one that changes them is told, in
 * the log, that a restart applies them.
 */
public final class CacheStageFactory implements StageFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheStageFactory.class);

    private final Function<GatehouseConfig, ResponseCache> opener;
    private ResponseCache cache;
    private GatehouseConfig openedBy;
    private GatehouseConfig lastChecked;

    /** @param opener opens the cache a configuration asks for (see {@link ResponseCache#open}) */
    public CacheStageFactory(Function<GatehouseConfig, ResponseCache> opener) {
        this.opener = opener;
    }

    @Override
    public HttpHandler wrap(RouteContext route, HttpHandler next) {
        UpstreamProxyHandler proxy = next instanceof UpstreamProxyHandler p ? p : null;
        GatehouseConfig config = route.config();
        ClusterCacheSpec spec;
        if (route.cluster().isEmpty()) {
            // A route's single http(s):// upstream: cached when caching is on for every cluster.
            if (proxy == null || !config.cachingOnByDefault()) {
                return next;
            }
            spec = ClusterCacheSpec.DEFAULTS;
        } else {
            ClusterSpec cluster = route.cluster().get();
            if (!config.caches(cluster)) {
                return next;
            }
            spec = cluster.cache();
        }
        return new ResponseCacheHandler(next, proxy, cacheFor(config), spec, route.site().tune().sendTimeout().toMillis());
    }

    /** The cache, opened for the first configuration that needs one. */
    private synchronized ResponseCache cacheFor(GatehouseConfig config) {
        if (cache == null) {
            cache = opener.apply(config);
            openedBy = config;
            lastChecked = config;
        } else if (lastChecked != config) {
            lastChecked = config;
            if (!ResponseCache.sameStore(openedBy, config)) {
                LOG.warn("the response cache's [proxypass] sizes, cache_dir or [tunefactors] num_result_cache_max"
                        + " changed: they apply at the next restart");
            }
        }
        return cache;
    }

    /** The cache, once a configuration opened it. */
    public synchronized Optional<ResponseCache> cache() {
        return Optional.ofNullable(cache);
    }

    /** Closes the cache cleanly, if one was opened: the disk tier keeps its entries. */
    @Override
    public synchronized void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
