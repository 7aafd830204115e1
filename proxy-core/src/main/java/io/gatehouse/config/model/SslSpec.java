package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A site's {@code [ssl]} section: whether the site is served over TLS, the PEM files of its certificate
 * chain and key, the protocol versions and cipher suites its listener accepts, HTTP/2 by ALPN, a plain
 * HTTP port that redirects to it, and {@code Strict-Transport-Security}.
 *
 * <p>Files are resolved as loaded (absolute, or relative to the parent of the conf directory, as static
 * directories are) but not read here: reading and checking the key material is the TLS module's
 * ({@code spi.ConfigCheck} and {@code spi.TlsContextFactory}).
 *
 * @param pos         the section header (or the file, when the section is absent)
 * @param enabled     {@code enable_ssl}
 * @param certfile    {@code certfile}: the certificate chain, or the seed's combined PEM (certificate and key)
 * @param keyfile     {@code keyfile}: the private key; empty when the certificate file holds it
 * @param passphrase  {@code passphrase} of an encrypted key ("" for none)
 * @param protocols   {@code protocols}: JSSE names ({@code TLSv1.3}, {@code TLSv1.2}); empty for the default
 * @param ciphers     {@code ciphers}: JSSE cipher suite names in order of preference; empty for the default
 * @param http2       {@code http2}: offer HTTP/2 by ALPN (default yes)
 * @param redirectHttp {@code redirect_http}: a plain HTTP port on the same address that answers 301 to
 *                    {@code https://}; empty for none
 * @param hsts        {@code hsts}: the {@code max-age} of {@code Strict-Transport-Security}; zero for none
 * @param keys        where each key was written
 */
public record SslSpec(SourcePos pos, boolean enabled, Optional<Path> certfile, Optional<Path> keyfile, String passphrase,
                      List<String> protocols, List<String> ciphers, boolean http2, Optional<Integer> redirectHttp,
                      Duration hsts, KeyPositions keys) {
    public SslSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(passphrase, "passphrase");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        Objects.requireNonNull(redirectHttp, "redirectHttp");
        Objects.requireNonNull(hsts, "hsts");
        Objects.requireNonNull(keys, "keys");
        if (enabled && certfile.isEmpty()) {
            throw new IllegalArgumentException("enable_ssl = yes needs a certfile");
        }
    }

    public static SslSpec disabled(SourcePos pos) {
        return new SslSpec(pos, false, Optional.empty(), Optional.empty(), "", List.of(), List.of(), true,
                Optional.empty(), Duration.ZERO, KeyPositions.none(pos));
    }

    /** The file the private key is read from: {@code keyfile}, else the combined {@code certfile}. */
    public Optional<Path> keySource() {
        return keyfile.or(() -> certfile);
    }
}
