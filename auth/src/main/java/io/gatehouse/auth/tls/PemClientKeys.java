package io.gatehouse.auth.tls;

import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.spi.ClientKeySource;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Objects;

/**
 * Reads the client certificate a cluster shows its members ({@code client_cert}, {@code client_key},
 * {@code client_key_passphrase}) from PEM files, as {@link PemKeyMaterial} reads a site's: every key
 * form, encrypted or not, the key in the certificate's file or its own. Asked when a configuration is
 * built, off the IO threads; what cannot be read is said in the words of the cluster's keys.
 */
public final class PemClientKeys implements ClientKeySource {
    private final Clock clock;

    /** @param clock the time the certificate's validity is checked against (a warning only, from {@link ClientCertChecks}) */
    public PemClientKeys(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ClientKey read(ClientCertSpec cert) throws GeneralSecurityException {
        PemLoad load = load(cert, clock);
        if (load instanceof PemLoad.Refused refused) {
            throw new GeneralSecurityException(String.join("; ", ClientCertChecks.reworded(refused.problems())));
        }
        PemKeyMaterial material = ((PemLoad.Loaded) load).material();
        return new ClientKey(material.privateKey(), material.chain());
    }

    /** Reads {@code cert}'s files. */
    static PemLoad load(ClientCertSpec cert, Clock clock) {
        return PemKeyMaterial.load(cert.certFile(), cert.keySource(), cert.passphrase(), clock);
    }
}
