package io.gatehouse.upstream;

import io.gatehouse.config.model.HostPort;
import java.util.Objects;

/**
 * The stable identity of an upstream member across reloads: scheme and address. State kept in
 * {@link UpstreamRegistry} (health, counters, connection pools) is keyed by it.
 */
public record MemberKey(boolean tls, HostPort address) {
    public MemberKey {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + address;
    }
}
