package io.gatehouse.spi;

import io.gatehouse.config.model.ClientCertSpec;
import java.security.GeneralSecurityException;
import javax.net.ssl.X509KeyManager;

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
     * The key manager that shows {@code cert}'s certificate (and chain) to every member that asks for one.
     *
     * @throws GeneralSecurityException why it cannot be shown, in an operator's words (a missing file, a
     *                                  wrong passphrase, a key that does not match the certificate)
     */
    X509KeyManager keyManager(ClientCertSpec cert) throws GeneralSecurityException;
}
