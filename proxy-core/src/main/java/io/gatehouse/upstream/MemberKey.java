package io.gatehouse.upstream;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberTlsSpec;
import java.util.Objects;

/**
 * The stable identity of an upstream member across reloads: scheme, address and, for TLS, how its
 * certificate is checked and which client certificate it is shown. State kept in {@link UpstreamRegistry}
 * (health, counters, connection pools) is keyed by it, so two clusters that list one {@code https}
 * address with different {@code ca}, {@code verify} or {@code client_cert} settings never share a
 * connection made under the other's settings, while clusters with equal settings share one pool.
 *
 * @param trust how the certificate is checked and what Gatehouse shows; always {@link MemberTlsSpec#SYSTEM}
 *              for plain HTTP, where there is none
 */
public record MemberKey(boolean tls, HostPort address, MemberTlsSpec trust) {
    public MemberKey {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(trust, "trust");
        if (!tls) {
            trust = MemberTlsSpec.SYSTEM;
        }
    }

    // equals and hashCode written out, with the meaning a record's would have: the generated ones link an
    // invokedynamic bootstrap on first use, ~20 ms of CPU for the first record hashed at a start (see HostPort)
    @Override
    public boolean equals(Object o) {
        return o instanceof MemberKey other && tls == other.tls && address.equals(other.address)
                && trust.equals(other.trust);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(tls) + address.hashCode()) + trust.hashCode();
    }

    /** A member whose certificate, if it speaks TLS, is checked the default way. */
    public MemberKey(boolean tls, HostPort address) {
        this(tls, address, MemberTlsSpec.SYSTEM);
    }

    @Override
    public String toString() {
        String url = (tls ? "https://" : "http://") + address;
        String trusted = trust.describe();
        return trusted.isEmpty() ? url : url + " " + trusted;
    }
}
