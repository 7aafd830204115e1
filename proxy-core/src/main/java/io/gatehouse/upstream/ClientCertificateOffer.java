package io.gatehouse.upstream;

import io.gatehouse.spi.ClientKeySource.ClientKey;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * What Gatehouse answers a member that asks for a client certificate: the cluster's {@code client_cert}
 * when it has one and the member takes a key of its kind, whatever CAs the member names (as nginx's
 * {@code proxy_ssl_certificate}: the member decides), else nothing. It also notes which handshakes were
 * asked, so that one the member then ends can say so. Gatehouse is the client here: nothing is served.
 */
final class ClientCertificateOffer extends X509ExtendedKeyManager {
    static final String ALIAS = "client_cert";

    /** Null without {@code client_cert}. */
    private final ClientKey key;
    /** The engines whose member asked; weak, so an engine nobody asks about goes. */
    private final Set<SSLEngine> asked = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** @param key the certificate to show; null for none */
    ClientCertificateOffer(ClientKey key) {
        this.key = key;
    }

    /** Whether {@code engine}'s member asked for a client certificate; forgets it. */
    boolean takeAsked(SSLEngine engine) {
        return asked.remove(engine);
    }

    /**
     * {@link #ALIAS} when there is a certificate whose key is of a kind in {@code keyTypes} (an RSA key
     * also serves TLS 1.3's {@code RSASSA-PSS}), else null.
     */
    String alias(String[] keyTypes) {
        if (key == null || keyTypes == null) {
            return null;
        }
        String algorithm = key.privateKey().getAlgorithm();
        for (String type : keyTypes) {
            if (type.equals(algorithm) || (algorithm.equals("RSA") && type.equals("RSASSA-PSS"))) {
                return ALIAS;
            }
        }
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        if (engine != null) {
            asked.add(engine);
        }
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
        return key != null && ALIAS.equals(alias) ? key.chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return key != null && ALIAS.equals(alias) ? key.privateKey() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
