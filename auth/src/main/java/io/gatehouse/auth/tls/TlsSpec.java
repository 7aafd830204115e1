package io.gatehouse.auth.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a TLS listener talks: the protocol versions and cipher suites it accepts ({@code protocols},
 * {@code ciphers}) and how long clients may resume a session without a full handshake.
 *
 * <p>The defaults are TLS 1.2 and 1.3 only, with forward-secret AEAD suites (AES-GCM and
 * ChaCha20-Poly1305 over ECDHE for TLS 1.2; every TLS 1.3 suite), as current browser-facing servers
 * use; default suites the running JVM lacks are left out quietly, configured ones must exist.
 *
 * @param protocols        JSSE protocol names ({@code TLSv1.2}, {@code TLSv1.3}), in order
 * @param ciphers          JSSE cipher suite names, in order of preference
 * @param sessionCacheSize how many sessions the server remembers for resumption (0 = no bound)
 * @param sessionTimeout   how long a session may be resumed
 */
public record TlsSpec(List<String> protocols, List<String> ciphers, int sessionCacheSize, Duration sessionTimeout) {

    /** TLS 1.2 and 1.3. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Forward-secret AEAD suites only. */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Sessions remembered by default (about 1 KiB each). */
    public static final int DEFAULT_SESSION_CACHE_SIZE = 20_000;

    /** How long a session may be resumed by default (nginx's {@code ssl_session_timeout} is 5 minutes; browsers come back later). */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(1);

    public TlsSpec {
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols: at least one protocol is needed");
        }
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("ciphers: at least one cipher suite is needed");
        }
        if (sessionCacheSize < 0) {
            throw new IllegalArgumentException("the session cache size must be 0 or more, got " + sessionCacheSize);
        }
        if (sessionTimeout.isNegative() || sessionTimeout.isZero() || sessionTimeout.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the session timeout must be at least a second, got " + sessionTimeout);
        }
    }

    /** TLS 1.2 and 1.3, the modern suites, sessions resumable for an hour. */
    public static TlsSpec defaults() {
        return new TlsSpec(DEFAULT_PROTOCOLS, DEFAULT_CIPHERS, DEFAULT_SESSION_CACHE_SIZE, DEFAULT_SESSION_TIMEOUT);
    }

    /** These protocols instead of the default ones. */
    public TlsSpec withProtocols(List<String> newProtocols) {
        return new TlsSpec(newProtocols, ciphers, sessionCacheSize, sessionTimeout);
    }

    /** These cipher suites instead of the default ones. */
    public TlsSpec withCiphers(List<String> newCiphers) {
        return new TlsSpec(protocols, newCiphers, sessionCacheSize, sessionTimeout);
    }

    boolean ciphersAreDefault() {
        return ciphers.equals(DEFAULT_CIPHERS);
    }
}
