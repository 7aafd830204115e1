package io.gatehouse.spi;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.VirtualHostSpec;
import java.util.Optional;

/**
 * What a per-route stage may know about the route it wraps: the whole configuration of the generation
 * being built (global sections such as {@code [proxypass]}), the site, host group and route, and the
 * cluster the route proxies to, if it names one.
 */
public record RouteContext(GatehouseConfig config, SiteSpec site, VirtualHostSpec vhost, RouteSpec route, Optional<ClusterSpec> cluster) {
}
