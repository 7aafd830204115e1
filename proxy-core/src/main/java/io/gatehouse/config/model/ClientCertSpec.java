package io.gatehouse.config.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The certificate Gatehouse shows a member that asks for one ({@code client_cert}, {@code client_key}
 * and {@code client_key_passphrase} on an {@code ssl = yes} cluster, as nginx's
 * {@code proxy_ssl_certificate}, {@code proxy_ssl_certificate_key} and {@code proxy_ssl_password_file}).
 * The files are PEM; the key may be in the certificate's file (a combined PEM). Part of a member's
 * identity through {@link MemberTlsSpec}: {@code fingerprint} is taken from the files' contents when the
 * configuration is loaded, so a renewed certificate makes a new identity, and new connections, at the
 * next load.
 *
 * @param certFile    the {@code client_cert} file (resolved as loaded): the certificate first, then its chain
 * @param keyFile     the {@code client_key} file (resolved as loaded); empty when the key is in {@code certFile}
 * @param passphrase  {@code client_key_passphrase}; empty when the key is not encrypted. Never shown.
 * @param fingerprint a digest of the files' contents when the configuration was loaded
 */
public record ClientCertSpec(Path certFile, Optional<Path> keyFile, String passphrase, String fingerprint) {
    public ClientCertSpec {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** The file the private key is read from: {@code client_key}, else {@code client_cert}. */
    public Path keySource() {
        return keyFile.orElse(certFile);
    }

    /** The files, for messages; the passphrase is never part of it. */
    @Override
    public String toString() {
        return "client_cert " + certFile + keyFile.map(k -> ", client_key " + k).orElse("");
    }
}
