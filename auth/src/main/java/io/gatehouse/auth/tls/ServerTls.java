package io.gatehouse.auth.tls;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS a listener speaks for all its sites: one certificate per site, picked by the host name the
 * client asks for (SNI), the first site's for any other name; the protocols and cipher suites of a
 * {@link TlsSpec} (TLS 1.2 and 1.3 only by default); sessions kept for resumption.
 *
 * <p>{@link #context()} is an {@link SSLContext} whose engines and server sockets already carry these
 * settings, so a listener that only takes an {@code SSLContext} (Undertow's
 * {@code addHttpsListener}) gets them without being told. Built while a configuration is loaded,
 * never on an IO thread; the certificates are those given, read beforehand by {@link PemKeyMaterial}.
 */
public final class ServerTls {

    private final SniKeySelector selector;
    private final SSLContext context;
    private final SSLParameters parameters;

    private ServerTls(SniKeySelector selector, SSLContext context, SSLParameters parameters) {
        this.selector = selector;
        this.context = context;
        this.parameters = parameters;
    }

    /**
     * Builds the listener's TLS.
     *
     * @param sites  each site's certificate and key, the default (first file's) first; at least one
     * @param spec   protocols, cipher suites, session cache
     * @param random the randomness of the handshakes (null: the JVM's strongest default)
     * @throws IllegalArgumentException a configured protocol or cipher suite this JVM does not know,
     *                                  named in the message, or no sites
     */
    public static ServerTls build(List<PemKeyMaterial> sites, TlsSpec spec, SecureRandom random) {
        SniKeySelector selector = new SniKeySelector(sites);
        SSLContext jsse;
        try {
            jsse = SSLContext.getInstance("TLS");
            jsse.init(new KeyManager[] {selector}, new TrustManager[0], random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make a TLS context: " + e.getMessage(), e);
        }
        SSLSessionContext sessions = jsse.getServerSessionContext();
        sessions.setSessionCacheSize(spec.sessionCacheSize());
        sessions.setSessionTimeout((int) spec.sessionTimeout().toSeconds());

        SSLParameters supported = jsse.getSupportedSSLParameters();
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(pick("protocols", spec.protocols(), supported.getProtocols(), false));
        parameters.setCipherSuites(pick("ciphers", spec.ciphers(), supported.getCipherSuites(), spec.ciphersAreDefault()));
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        SSLContext configured = new SSLContext(new ConfiguredContextSpi(jsse, parameters), jsse.getProvider(),
                jsse.getProtocol()) {
        };
        return new ServerTls(selector, configured, parameters);
    }

    private static String[] pick(String key, List<String> wanted, String[] supported, boolean dropUnknown) {
        Set<String> known = Set.of(supported);
        List<String> kept = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : wanted) {
            (known.contains(name) ? kept : unknown).add(name);
        }
        if (!unknown.isEmpty() && !dropUnknown) {
            throw new IllegalArgumentException(key + ": " + String.join(", ", unknown)
                    + (unknown.size() == 1 ? " is" : " are") + " not supported by this Java runtime; it knows "
                    + String.join(", ", Arrays.asList(supported)));
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(key + ": none of " + wanted + " is supported by this Java runtime");
        }
        return kept.toArray(String[]::new);
    }

    /** The context to give the listener: its engines and server sockets carry {@link #parameters()}. */
    public SSLContext context() {
        return context;
    }

    /** The protocols, cipher suites and their order the listener uses (a copy). */
    public SSLParameters parameters() {
        return ConfiguredContextSpi.copy(parameters);
    }

    /** A server-side engine for one connection, with {@link #parameters()} set. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** The certificate and key a client asking for {@code host} gets (null host: a client that sent no name). */
    public PemKeyMaterial siteFor(String host) {
        return selector.siteFor(host);
    }

    /** The sites' certificates, the default first. */
    public List<PemKeyMaterial> sites() {
        return selector.sites();
    }

    /**
     * Serves these certificates from the next handshake on, in the same context (a certificate or key
     * file that changed, read again): connections and the session cache stay; a handshake under way
     * finishes with the certificate it chose.
     *
     * @param sites each site's certificate and key, the default first; at least one
     */
    public void replaceSites(List<PemKeyMaterial> sites) {
        selector.replace(sites);
    }
}
