package io.gatehouse.spi;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Supplies a listener's TLS from its sites' {@code [ssl]} sections (the auth module implements it; core
 * never depends on it).
 *
 * <p>Called off the IO threads each time a configuration is put in service, for every listener of it.
 * For one {@code ip:port} it returns the same {@link SSLContext} every time: a certificate read again
 * (at a reload, or when the implementation notices a changed file) is swapped in behind that context,
 * so new connections get it while open ones keep theirs, without the listener being bound again.
 */
public interface TlsContextFactory {
    /** Plain HTTP everywhere: for assemblies without the TLS module (tests). */
    TlsContextFactory NONE = listener -> Optional.empty();

    /**
     * The context a TLS listener accepts connections with, its engines carrying the configured
     * protocols and cipher suites and picking each site's certificate by SNI; empty when the listener's
     * sites are plain HTTP.
     *
     * @throws Exception the key material cannot be loaded (a check should have said so first)
     */
    Optional<SSLContext> forListener(ListenerSpec listener) throws Exception;

    /** The listeners now bound; what was kept for any other may be dropped. */
    default void retain(Set<HostPort> listeners) {
    }
}
