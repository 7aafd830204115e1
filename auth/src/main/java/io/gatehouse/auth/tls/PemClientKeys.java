package io.gatehouse.auth.tls;

import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.spi.ClientKeySource;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * The client certificate a cluster shows its members ({@code client_cert}, {@code client_key},
 * {@code client_key_passphrase}), read from PEM files as {@link PemKeyMaterial} reads a site's. It is
 * shown to every member that asks for a client certificate, whatever CAs the member says it trusts, as
 * nginx's {@code proxy_ssl_certificate} is: the member decides. Read when a configuration is built, off
 * the IO threads.
 */
public final class PemClientKeys implements ClientKeySource {
    private final Clock clock;

    /** @param clock the time the certificate's validity is checked against (a warning only, from {@link ClientCertChecks}) */
    public PemClientKeys(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public X509KeyManager keyManager(ClientCertSpec cert) throws GeneralSecurityException {
        PemLoad load = load(cert, clock);
        if (load instanceof PemLoad.Refused refused) {
            throw new GeneralSecurityException(String.join("; ", ClientCertChecks.reworded(refused.problems())));
        }
        PemKeyMaterial material = ((PemLoad.Loaded) load).material();
        return new OneKey(material.privateKey(), material.chain().toArray(new X509Certificate[0]));
    }

    /** Reads {@code cert}'s files. */
    static PemLoad load(ClientCertSpec cert, Clock clock) {
        return PemKeyMaterial.load(cert.certFile(), cert.keySource(), cert.passphrase(), clock);
    }

    /** One key and its chain, offered to any member that asks, under one alias. */
    private static final class OneKey extends X509ExtendedKeyManager {
        private static final String ALIAS = "client_cert";

        private final PrivateKey key;
        private final X509Certificate[] chain;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        /**
         * The alias when the member takes a key of this kind; for TLS 1.3 an RSA key also serves the
         * {@code RSASSA-PSS} schemes.
         */
        private String alias(String[] keyTypes) {
            if (keyTypes == null) {
                return ALIAS;
            }
            String algorithm = key.getAlgorithm();
            for (String type : keyTypes) {
                if (type.equals(algorithm) || (algorithm.equals("RSA") && type.equals("RSASSA-PSS"))) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return alias(new String[] {keyType}) == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        /** Gatehouse is the client here: it serves nothing with this key. */
        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }
    }
}
