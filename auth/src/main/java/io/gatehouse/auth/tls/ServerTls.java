package io.gatehouse.auth.tls;

import io.undertow.protocols.ssl.SNIContextMatcher;
import io.undertow.protocols.ssl.SNISSLContext;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
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
 * <p>Each site has a JSSE context of its own, with its own session cache, and the context is chosen
 * from the ClientHello's server name before the TLS engine is made (Undertow's SNI engine reads the
 * name, then hands the connection to an engine of the chosen site's context). A client that offers a
 * session of site A while asking for site B's name therefore cannot resume it: B's cache does not hold
 * it, and B's certificate is sent, as for any full handshake.
 *
 * <p>{@link #context()} is an {@link SSLContext} whose engines do all this, and which stays the same
 * object when the certificates are replaced ({@link #replaceSites}), so a listener given only an
 * {@code SSLContext} (Undertow's {@code UndertowXnioSsl}, {@code addHttpsListener}) serves the new
 * certificates from the next handshake on. Built while a configuration is loaded, never on an IO
 * thread; the certificates are those given, read beforehand by {@link PemKeyMaterial}.
 */
public final class ServerTls {

    /** The certificates in place: one context per site and the SNI context over them. */
    record Generation(List<PemKeyMaterial> sites, List<SSLContext> contexts, SSLContext sni) {
    }

    private final TlsSpec spec;
    private final SecureRandom random;
    private final SSLParameters parameters;
    private final SSLContext context;
    private volatile Generation current;

    private ServerTls(TlsSpec spec, SecureRandom random, SSLParameters parameters, Generation first) {
        this.spec = spec;
        this.random = random;
        this.parameters = parameters;
        this.current = first;
        SSLContext defaultSite = first.contexts().get(0);
        this.context = new SSLContext(new SniContextSpi(this::generation, parameters), defaultSite.getProvider(),
                defaultSite.getProtocol()) {
        };
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
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        SSLContext probe = jsse(sites.get(0), spec, random);
        SSLParameters supported = probe.getSupportedSSLParameters();
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(pick("protocols", spec.protocols(), supported.getProtocols(), false));
        parameters.setCipherSuites(pick("ciphers", spec.ciphers(), supported.getCipherSuites(), spec.ciphersAreDefault()));
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        return new ServerTls(spec, random, parameters, generation(sites, spec, random, parameters));
    }

    /** Checks {@code spec} against this JVM without any key material: the message names what it lacks. */
    public static void checkSupported(TlsSpec spec) {
        try {
            SSLContext jsse = SSLContext.getInstance("TLS");
            // no key or trust managers: what a JVM supports does not depend on them, and the defaults
            // would read the JDK's trust store (~150 certificates, 60 ms of a TLS start) for nothing
            jsse.init(new KeyManager[0], new TrustManager[0], null);
            SSLParameters supported = jsse.getSupportedSSLParameters();
            pick("protocols", spec.protocols(), supported.getProtocols(), false);
            pick("ciphers", spec.ciphers(), supported.getCipherSuites(), spec.ciphersAreDefault());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    private static Generation generation(List<PemKeyMaterial> sites, TlsSpec spec, SecureRandom random,
                                         SSLParameters parameters) {
        List<SSLContext> contexts = new ArrayList<>();
        for (PemKeyMaterial site : sites) {
            SSLContext jsse = jsse(site, spec, random);
            contexts.add(new SSLContext(new ConfiguredContextSpi(jsse, parameters), jsse.getProvider(), jsse.getProtocol()) {
            });
        }
        SNIContextMatcher.Builder matcher = new SNIContextMatcher.Builder().setDefaultContext(contexts.get(0));
        for (int i = 0; i < sites.size(); i++) {
            for (String name : sites.get(i).hostNames()) {
                // every pattern is added in site order and none holds '*', so the first site whose
                // certificate covers the name wins, as PemKeyMaterial.serves says
                matcher.addMatch(pattern(name), contexts.get(i));
            }
        }
        return new Generation(List.copyOf(sites), List.copyOf(contexts), new SNISSLContext(matcher.build()));
    }

    /** A certificate name as a pattern over the requested name: a wildcard covers exactly one label. */
    static String pattern(String name) {
        if (name.startsWith("*.")) {
            return "[^.]+\\." + Pattern.quote(name.substring(2)) + "\\.?";
        }
        return Pattern.quote(name) + "\\.?";
    }

    private static SSLContext jsse(PemKeyMaterial site, TlsSpec spec, SecureRandom random) {
        SSLContext jsse;
        try {
            jsse = SSLContext.getInstance("TLS");
            jsse.init(new KeyManager[] {new SniKeySelector(List.of(site))}, new TrustManager[0], random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make a TLS context: " + e.getMessage(), e);
        }
        SSLSessionContext sessions = jsse.getServerSessionContext();
        sessions.setSessionCacheSize(spec.sessionCacheSize());
        sessions.setSessionTimeout((int) spec.sessionTimeout().toSeconds());
        return jsse;
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

    Generation generation() {
        return current;
    }

    /**
     * The context to give the listener: its engines choose the site by SNI and carry
     * {@link #parameters()}; its session context and server sockets are the default site's.
     */
    public SSLContext context() {
        return context;
    }

    /** The protocols and cipher suites this listener was built with. */
    public TlsSpec spec() {
        return spec;
    }

    /** The protocols, cipher suites and their order the listener uses (a copy). */
    public SSLParameters parameters() {
        return ConfiguredContextSpi.copy(parameters);
    }

    /** A server-side engine of the default site, with {@link #parameters()} set. */
    public SSLEngine newEngine() {
        SSLEngine engine = current.contexts().get(0).createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** The certificate and key a client asking for {@code host} gets (null host: a client that sent no name). */
    public PemKeyMaterial siteFor(String host) {
        List<PemKeyMaterial> sites = current.sites();
        if (host != null) {
            for (PemKeyMaterial site : sites) {
                if (site.serves(host)) {
                    return site;
                }
            }
        }
        return sites.get(0);
    }

    /** The sites' certificates, the default first. */
    public List<PemKeyMaterial> sites() {
        return current.sites();
    }

    /**
     * Serves these certificates from the next handshake on, behind the same {@link #context()}:
     * connections already open keep theirs, a handshake under way finishes with the certificate it
     * chose. Each site gets a new session cache, so no session of an old certificate is resumed.
     *
     * @param sites each site's certificate and key, the default first; at least one
     */
    public void replaceSites(List<PemKeyMaterial> sites) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        current = generation(sites, spec, random, parameters);
    }
}
