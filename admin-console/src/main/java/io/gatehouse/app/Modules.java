package io.gatehouse.app;

import io.gatehouse.auth.tls.SslChecks;
import io.gatehouse.spi.ConfigCheck;
import java.time.Clock;
import java.util.List;

/**
 * What the cache and auth modules add to the core, in one list each, so that {@code gatehouse check},
 * the start and a reload load a directory the same way.
 */
final class Modules {
    private Modules() {
    }

    /** Checks a configuration must pass beyond the core's own: key material, address blocks, token keys. */
    static List<ConfigCheck> configChecks() {
        return List.of(new SslChecks(Clock.systemUTC()));
    }
}
