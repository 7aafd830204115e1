package io.gatehouse.auth.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A listener's TLS context as the listener sees it: the JDK's context, with the configured protocols
 * and cipher suites set on every server engine and server socket it makes.
 */
final class ConfiguredContextSpi extends SSLContextSpi {

    private final SSLContext jsse;
    private final SSLParameters parameters;

    ConfiguredContextSpi(SSLContext jsse, SSLParameters parameters) {
        this.jsse = jsse;
        this.parameters = copy(parameters);
    }

    static SSLParameters copy(SSLParameters from) {
        SSLParameters to = new SSLParameters(from.getCipherSuites(), from.getProtocols());
        to.setUseCipherSuitesOrder(from.getUseCipherSuitesOrder());
        to.setNeedClientAuth(from.getNeedClientAuth());
        return to;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
        // made by ServerTls with its own key selection; nothing to change afterwards
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return jsse.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return new ConfiguredServerSockets(jsse.getServerSocketFactory(), parameters);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        SSLEngine engine = jsse.createSSLEngine();
        engine.setSSLParameters(copy(parameters));
        return engine;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        SSLEngine engine = jsse.createSSLEngine(host, port);
        engine.setSSLParameters(copy(parameters));
        return engine;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return jsse.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return jsse.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return copy(parameters);
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return jsse.getSupportedSSLParameters();
    }

    /** Server sockets with the listener's parameters, for listeners built on plain sockets. */
    private static final class ConfiguredServerSockets extends SSLServerSocketFactory {
        private final SSLServerSocketFactory jsse;
        private final SSLParameters parameters;

        ConfiguredServerSockets(SSLServerSocketFactory jsse, SSLParameters parameters) {
            this.jsse = jsse;
            this.parameters = parameters;
        }

        private ServerSocket configure(ServerSocket socket) {
            ((SSLServerSocket) socket).setSSLParameters(copy(parameters));
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return parameters.getCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return jsse.getSupportedCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return configure(jsse.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return configure(jsse.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return configure(jsse.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return configure(jsse.createServerSocket(port, backlog, address));
        }
    }
}
