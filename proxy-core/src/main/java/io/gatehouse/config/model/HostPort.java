package io.gatehouse.config.model;

import java.util.Objects;

/** A host (name, IPv4 or IPv6 literal without brackets) and a port. Prints IPv6 in brackets. */
public record HostPort(String host, int port) {
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    // equals and hashCode written out, with the meaning a record's would have: the generated ones link an
    // invokedynamic bootstrap on first use, ~20 ms of CPU for the first record hashed at a start
    @Override
    public boolean equals(Object o) {
        return o instanceof HostPort other && port == other.port && host.equals(other.host);
    }

    @Override
    public int hashCode() {
        return 31 * host.hashCode() + port;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
