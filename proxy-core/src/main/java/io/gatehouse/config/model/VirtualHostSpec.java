package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.List;
import java.util.Objects;

/**
 * One group of the route map: the routes under an {@code @} line, or, with no host patterns, the lines
 * before any {@code @} line (they belong to every host that matches nothing more specific).
 */
public record VirtualHostSpec(SourcePos pos, List<HostPattern> hosts, List<RouteSpec> routes) {
    public VirtualHostSpec {
        Objects.requireNonNull(pos, "pos");
        hosts = List.copyOf(hosts);
        routes = List.copyOf(routes);
    }

    public boolean isDefault() {
        return hosts.isEmpty();
    }
}
