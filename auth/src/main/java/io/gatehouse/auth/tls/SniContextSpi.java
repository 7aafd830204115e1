package io.gatehouse.auth.tls;

import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A listener's TLS context as the listener sees it: the same object for the listener's life, whose
 * engines come from the SNI context of the certificates in place now ({@link ServerTls.Generation}),
 * so a certificate swap reaches the next connection without the listener knowing.
 */
final class SniContextSpi extends SSLContextSpi {

    private final Supplier<ServerTls.Generation> generation;
    private final SSLParameters parameters;

    SniContextSpi(Supplier<ServerTls.Generation> generation, SSLParameters parameters) {
        this.generation = generation;
        this.parameters = ConfiguredContextSpi.copy(parameters);
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
        // made by ServerTls; nothing to change afterwards
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return generation.get().sni().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return generation.get().sni().createSSLEngine(host, port);
    }

    /** The default site's sessions (each site has its own). */
    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return generation.get().contexts().get(0).getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return generation.get().contexts().get(0).getClientSessionContext();
    }

    /** The default site's server sockets: a socket cannot choose its context by SNI. */
    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return generation.get().contexts().get(0).getServerSocketFactory();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return generation.get().contexts().get(0).getSocketFactory();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return ConfiguredContextSpi.copy(parameters);
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return generation.get().contexts().get(0).getSupportedSSLParameters();
    }
}
