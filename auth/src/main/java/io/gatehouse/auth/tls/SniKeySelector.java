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

    /** The certificates in place, numbered so an alias handed out before a swap still finds its key. */
    private record Generation(long number, List<PemKeyMaterial> sites) {
    }

    private volatile Generation current;
    private volatile Generation previous;

    SniKeySelector(List<PemKeyMaterial> sites) {
        current = generation(0, sites);
        previous = current;
    }

    private static Generation generation(long number, List<PemKeyMaterial> sites) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        return new Generation(number, List.copyOf(sites));
    }

    /**
     * Serves {@code sites} from the next handshake on. A handshake that already chose a certificate
     * finishes with it; sessions made before may still be resumed until they time out.
     */
    synchronized void replace(List<PemKeyMaterial> sites) {
        Generation next = generation(current.number + 1, sites);
        previous = current;
        current = next;
    }

    /** The certificates in place, the default first. */
    List<PemKeyMaterial> sites() {
        return current.sites;
    }

    /** The certificate for a client that asked for {@code host} (null: none asked). */
    PemKeyMaterial siteFor(String host) {
        List<PemKeyMaterial> sites = current.sites;
        return sites.get(index(sites, host));
    }

    private static int index(List<PemKeyMaterial> sites, String host) {
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
        Generation generation = current;
        int site = index(generation.sites, requestedHost(handshake));
        return generation.sites.get(site).keyType().equalsIgnoreCase(keyType) ? alias(generation, site) : null;
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
        Generation generation = current;
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < generation.sites.size(); i++) {
            if (generation.sites.get(i).keyType().equalsIgnoreCase(keyType)) {
                aliases.add(alias(generation, i));
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

    private static String alias(Generation generation, int site) {
        return generation.number + "/" + site;
    }

    private PemKeyMaterial site(String alias) {
        int slash = alias == null ? -1 : alias.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            long number = Long.parseLong(alias.substring(0, slash));
            int index = Integer.parseInt(alias.substring(slash + 1));
            Generation generation = current;
            if (generation.number != number) {
                generation = previous;
            }
            return generation.number == number && index >= 0 && index < generation.sites.size()
                    ? generation.sites.get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
