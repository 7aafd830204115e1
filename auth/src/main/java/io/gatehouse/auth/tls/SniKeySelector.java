package io.gatehouse.auth.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the certificate a TLS client gets on a shared listener by the host name it asks for (SNI):
 * the first site's certificate whose names cover that name, else the first site's (the default, also
 * for clients that send no name).
 *
 * <p>The JDK asks once per key type it could use ({@code EC}, {@code RSA}, ...): a site whose name
 * matched answers only for its own key type, so a client is never given the default site's
 * certificate because it asked for another key type first. Only the server side is answered.
 */
final class SniKeySelector extends X509ExtendedKeyManager {

    private final List<PemKeyMaterial> sites;

    SniKeySelector(List<PemKeyMaterial> sites) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        this.sites = List.copyOf(sites);
    }

    /** The index of the certificate for a client that asked for {@code host} (null: none asked). */
    int siteFor(String host) {
        if (host != null) {
            for (int i = 0; i < sites.size(); i++) {
                if (sites.get(i).serves(host)) {
                    return i;
                }
            }
        }
        return 0;
    }

    private String choose(String keyType, SSLSession handshake) {
        int site = siteFor(requestedHost(handshake));
        return sites.get(site).keyType().equalsIgnoreCase(keyType) ? alias(site) : null;
    }

    private static String requestedHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            if (sites.get(i).keyType().equalsIgnoreCase(keyType)) {
                aliases.add(alias(i));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        PemKeyMaterial site = site(alias);
        return site == null ? null : site.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PemKeyMaterial site = site(alias);
        return site == null ? null : site.privateKey();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private static String alias(int site) {
        return "site-" + site;
    }

    private PemKeyMaterial site(String alias) {
        if (alias == null || !alias.startsWith("site-")) {
            return null;
        }
        try {
            int index = Integer.parseInt(alias.substring("site-".length()));
            return index >= 0 && index < sites.size() ? sites.get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
