package io.gatehouse.admin.api;

import io.gatehouse.admin.Credentials;
import io.gatehouse.admin.StatsSource;
import io.gatehouse.cache.handler.ResponseCache;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.log.RequestLogRing;
import io.gatehouse.runtime.ReloadControl;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.view.PoolView;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the admin listener reads and acts on: the pool view, the generation in service, where its
 * listeners are bound, the request ring, the response cache, reload control, the metrics and the
 * credentials. Plain collaborators, so a test can give real ones of its own.
 *
 * @param pool         members' state and draining
 * @param runtime      the generation in service now (null before the first)
 * @param boundAddress where a configured public listener is bound now; null when it is not
 * @param requests     the latest requests
 * @param cache        the response cache, once a configuration asked for one
 * @param reload       reloads and the configuration's status
 * @param stats        {@code /stats.json} and the console's chart
 * @param credentials  the {@code [admin]} user and token
 */
public record AdminContext(PoolView pool, Supplier<Runtime> runtime, Function<HostPort, InetSocketAddress> boundAddress,
                           RequestLogRing requests, Supplier<Optional<ResponseCache>> cache, ReloadControl reload,
                           StatsSource stats, Credentials credentials) {
    public AdminContext {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(boundAddress, "boundAddress");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(credentials, "credentials");
    }
}
