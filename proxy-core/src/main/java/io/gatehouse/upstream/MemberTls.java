package io.gatehouse.upstream;

import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.spi.ClientKeySource;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import java.io.EOFException;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.ssl.SslConnection;
import org.xnio.ssl.XnioSsl;

/**
 * TLS to members under one {@link MemberTlsSpec}: an SSL context of its own, whose engines send the
 * member's host name as SNI and, unless {@code verify = no}, check the certificate against that name and
 * the spec's trust ({@link MemberTrustManager}). A context per spec also keeps TLS sessions apart: a
 * session made without checks is never resumed where checks are due. Made when a configuration is
 * built, never on an IO thread (loading the system trust store takes a while); the checks themselves
 * run as the engine's delegated tasks on the worker pool. A spec with a client certificate shows it to
 * members that ask for one; its key is read then, through the auth module's {@link ClientKeySource}.
 */
final class MemberTls {
    private final XnioSsl ssl;
    /** The checks; null with {@code verify = no}. */
    private final MemberTrustManager checks;
    /** The client certificate shown, for messages; null for none. */
    private final ClientCertSpec client;
    /** Shows it, and notes which handshakes were asked for one. */
    private final ClientCertificateOffer shown;

    MemberTls(MemberTlsSpec spec, ClientKeySource clientKeys) throws GeneralSecurityException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(clientKeys, "clientKeys");
        this.client = spec.client().orElse(null);
        this.shown = new ClientCertificateOffer(client == null ? null : clientKeys.read(client));
        this.checks = spec.verify() ? MemberTrustManager.of(spec) : null;
        TrustManager trust = checks != null ? checks : new AnyCertificate();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {shown}, new TrustManager[] {trust}, null);
        this.ssl = new UndertowXnioSsl(Xnio.getInstance(), OptionMap.EMPTY, new NamingContext(context, spec.verify()));
    }

    XnioSsl ssl() {
        return ssl;
    }

    /**
     * Why the TLS handshake of {@code connection} failed, in an operator's words: the reason its
     * certificate was refused, else what the TLS layer said ({@code failure}), and, when the member had
     * asked for a client certificate, that it had (with none shown, or with the one shown).
     */
    String reason(SslConnection connection, Throwable failure) {
        SSLEngine engine = UndertowXnioSsl.getSslEngine(connection);
        if (checks != null) {
            String refusal = checks.takeRefusal(engine);
            if (refusal != null) {
                return refusal;
            }
        }
        String reason = reason(failure);
        if (!shown.takeAsked(engine)) {
            return reason;
        }
        return client == null
                ? reason + " after asking for a client certificate; the cluster shows none (set client_cert)"
                : reason + " after asking for a client certificate; it may not accept client_cert " + client.certFile();
    }

    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MemberTrustManager.Refused) {
                return t.getMessage();
            }
        }
        if (failure instanceof ClosedChannelException || failure instanceof EOFException) {
            return "the member closed the connection during the handshake";
        }
        String message = failure.getMessage();
        return message == null ? failure.toString() : message;
    }

    /** Configures every engine for the member it is made for: SNI, and the name check unless verify = no. */
    private static final class NamingContext extends SSLContext {
        NamingContext(SSLContext context, boolean verify) {
            super(new NamingSpi(context, verify), context.getProvider(), context.getProtocol());
        }
    }

    private static final class NamingSpi extends SSLContextSpi {
        private final SSLContext context;
        private final boolean verify;

        NamingSpi(SSLContext context, boolean verify) {
            this.context = context;
            this.verify = verify;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = context.createSSLEngine(host, port);
            SSLParameters parameters = engine.getSSLParameters();
            if (verify) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (host != null && !UpstreamRegistry.isLiteral(host)) {
                try {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                } catch (IllegalArgumentException e) {
                    // not a name SNI can carry (RFC 6066); the certificate is still checked against it
                }
            }
            engine.setSSLParameters(parameters);
            return engine;
        }

        /** An engine for no one in particular has no name to check: never made. */
        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw new UnsupportedOperationException("a member's TLS engine needs the member's name");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("initialised already");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("members are reached through engines, not sockets");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("members are reached through engines, not sockets");
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return context.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return context.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return context.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return context.getSupportedSSLParameters();
        }
    }

    /** {@code verify = no}: any certificate, for any name. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("Gatehouse takes no client certificate from a member");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("Gatehouse takes no client certificate from a member");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
            throw new CertificateException("Gatehouse takes no client certificate from a member");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
