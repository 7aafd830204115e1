package io.gatehouse.spi;

import io.undertow.server.HttpHandler;

/**
 * A per-route stage supplied by another module (the client IP allow-list, bearer auth, the response
 * cache). Core never depends on those modules: {@code Assembly} passes their factories in, outermost
 * first, and {@code ChainAssembler} wraps each route's target with them.
 */
public interface StageFactory {
    /** Wraps {@code next} for this route, or returns {@code next} itself when the stage does not apply. */
    io.undertow.server.HttpHandler wrap(RouteContext route, HttpHandler next);

    /**
     * True for a stage that enforces a cluster's {@code roles} or {@code ips}. A route to a cluster that
     * names either is built only when such a stage wrapped it: without one (the auth module missing from
     * the stage list) the build refuses the route instead of serving the cluster open.
     */
    default boolean enforcesAccess() {
        return false;
    }
}
