package io.gatehouse.spi;

import io.gatehouse.config.model.ClientCertSpec;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Reads the client certificate and key a cluster shows its members ({@code client_cert},
 * {@code client_key}, {@code client_key_passphrase}). Core reads no private keys itself: the auth module
 * gives one to {@code UpstreamConnector}, which asks it when it makes the TLS context of a cluster's
 * settings, while a configuration is built and never on an IO thread.
 */
@FunctionalInterface
public interface ClientKeySource {
    /** Without the auth module: a configuration that names a client certificate cannot be built. */
    ClientKeySource NONE = cert -> {
        throw new GeneralSecurityException("client certificates towards members need the auth module");
    };

    /**
     * A client certificate as read: its key, and its chain with the certificate first.
     *
     * @param privateKey the key of {@code chain.get(0)}
     * @param chain      the certificate, then the certificates that lead to its CA, as the file held them
     */
    record ClientKey(PrivateKey privateKey, List<X509Certificate> chain) {
        public ClientKey {
            Objects.requireNonNull(privateKey, "privateKey");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a client key comes with its certificate");
            }
        }
    }

    /**
     * Reads {@code cert}'s files.
     *
     * @throws GeneralSecurityException why they cannot be used, in an operator's words (a missing file, a
     *                                  wrong passphrase, a key that does not match the certificate)
     */
    ClientKey read(ClientCertSpec cert) throws GeneralSecurityException;
}
