package io.gatehouse.spi;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.VirtualHostSpec;
import java.util.Optional;

/** What a per-route stage may know about the route it wraps. */
public record RouteContext(SiteSpec site, VirtualHostSpec vhost, RouteSpec route, Optional<ClusterSpec> cluster) {
}
