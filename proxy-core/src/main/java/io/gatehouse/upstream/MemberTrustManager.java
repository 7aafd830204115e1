package io.gatehouse.upstream;

import io.gatehouse.config.model.MemberTlsSpec;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a member's certificate the way the JDK checks an HTTPS server's: a valid chain to a trusted
 * certificate (the system trust store, or the {@code ca} file's certificates) and the member's name in
 * the certificate (RFC 6125 rules; the engine asks for that check with endpoint identification
 * {@code HTTPS}). The decision is the JDK's; this class only puts a refusal into words an operator can
 * act on, such as {@code certificate for other.test does not match member name svc.test}. The TLS layer
 * runs the check as a delegated task and keeps the exception to itself when the handshake fails, so the
 * reason is also kept here, by engine, for the connector to {@linkplain #takeRefusal take}.
 */
final class MemberTrustManager extends X509ExtendedTrustManager {
    /** A certificate refused, with the reason in an operator's words as its message. */
    static final class Refused extends CertificateException {
        private static final long serialVersionUID = 1L;

        Refused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private final X509ExtendedTrustManager pkix;
    private final String source;
    /** Why each engine's certificate was refused, until the connector takes it; weak, so an engine nobody asks about goes. */
    private final Map<SSLEngine, String> refusals = Collections.synchronizedMap(new WeakHashMap<>());

    private MemberTrustManager(X509ExtendedTrustManager pkix, String source) {
        this.pkix = pkix;
        this.source = source;
    }

    /** The checks of {@code spec} (which verifies): its ca file's certificates, or the system trust store. */
    static MemberTrustManager of(MemberTlsSpec spec) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (spec.caFile().isPresent()) {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                anchors.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException("cannot make an empty key store", e);
            }
            int i = 0;
            for (X509Certificate certificate : spec.caCertificates()) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
            factory.init(anchors);
        } else {
            factory.init((KeyStore) null);
        }
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return new MemberTrustManager(x509, spec.trustSource());
            }
        }
        throw new NoSuchAlgorithmException("the JVM has no X.509 trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            String reason = explain(chain, authType, engine == null ? null : engine.getPeerHost(), e);
            if (engine != null) {
                refusals.put(engine, reason);
            }
            throw new Refused(reason, e);
        }
    }

    /** Why {@code engine}'s member certificate was refused, once; null if it was not. */
    String takeRefusal(SSLEngine engine) {
        return refusals.remove(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw new Refused(explain(chain, authType, null, e), e);
        }
    }

    /** Never used for members (they are reached through engines): without a name nothing can be checked. */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("no member name to check the certificate against");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("Gatehouse takes no client certificate from a member");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("Gatehouse takes no client certificate from a member");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("Gatehouse takes no client certificate from a member");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    /**
     * Why {@code chain} was refused for {@code member}: the chain alone is checked again (only now,
     * after a refusal), and if it holds, the name was the problem.
     */
    private String explain(X509Certificate[] chain, String authType, String member, CertificateException refusal) {
        if (chain == null || chain.length == 0) {
            return "the member sent no certificate";
        }
        String subject = "certificate for " + names(chain[0]);
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException chainProblem) {
            for (X509Certificate certificate : chain) {
                try {
                    certificate.checkValidity();
                } catch (CertificateExpiredException e) {
                    return certificate == chain[0]
                            ? subject + " expired at " + certificate.getNotAfter().toInstant()
                            : subject + " is signed by " + certificate.getSubjectX500Principal().getName()
                                    + ", which expired at " + certificate.getNotAfter().toInstant();
                } catch (CertificateNotYetValidException e) {
                    return subject + " is not valid before " + certificate.getNotBefore().toInstant();
                }
            }
            if (has(chainProblem, CertPathBuilderException.class)) {
                return subject + " (issued by " + chain[chain.length - 1].getIssuerX500Principal().getName()
                        + ") is not signed by a CA in " + source;
            }
            return subject + " is not trusted: " + innermost(chainProblem).getMessage();
        }
        String message = refusal.getMessage() == null ? "" : refusal.getMessage();
        if (member != null && (message.contains("matching") || message.contains("subject alternative"))) {
            return subject + " does not match member name " + member;
        }
        return subject + " is refused: " + message;
    }

    /** The names a certificate is for: its DNS and IP subject alternative names, else its common name. */
    static String names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    int type = (Integer) alternative.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(alternative.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back on the subject
        }
        if (!names.isEmpty()) {
            return String.join(", ", names);
        }
        String subject = certificate.getSubjectX500Principal().getName();
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // the subject as written
        }
        return subject;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
