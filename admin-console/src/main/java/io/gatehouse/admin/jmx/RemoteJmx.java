package io.gatehouse.admin.jmx;

import io.gatehouse.admin.Credentials;
import io.gatehouse.admin.security.LoginThrottle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.AlreadyBoundException;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote JMX ({@code [admin] jmx_port}) so that a standard client such as {@code jconsole} connects:
 * the RMI registry and the JMX connector on one port, bound to one address only, every connection
 * authenticated against the admin {@link Credentials} (user and password, or any user name with the
 * admin token; a refusal is logged), over TLS with the given context when there is one (the registry
 * too). An authenticated user may read everything and call operations ({@code reload()}).
 * {@link #close()} frees the port.
 *
 * <p>The address clients reach ({@code service:jmx:rmi://HOST:PORT/jndi/rmi://HOST:PORT/jmxrmi}) is the
 * bind address; unless {@code java.rmi.server.hostname} is set, it is set to that address, so that
 * the connector's stub names the address the port is bound to.
 */
public final class RemoteJmx implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJmx.class);
    /** The name the connector is bound under in the registry. */
    public static final String BINDING = "jmxrmi";

    private final JMXServiceURL url;
    private final Registry registry;
    private final RMIConnectorServer connector;
    private final int port;
    private boolean closed;

    private RemoteJmx(JMXServiceURL url, Registry registry, RMIConnectorServer connector, int port) {
        this.url = url;
        this.registry = registry;
        this.connector = connector;
        this.port = port;
    }

    /**
     * Starts serving {@code server} on {@code bind}:{@code port}.
     *
     * @param ssl the TLS context of the admin listener, or null for plain RMI
     * @throws IOException the port cannot be bound
     */
    public static RemoteJmx start(MBeanServer server, InetAddress bind, int port, Credentials credentials, SSLContext ssl)
            throws IOException {
        return start(server, bind, port, credentials, ssl, new LoginThrottle(java.time.Clock.systemUTC()));
    }

    /**
     * Starts serving {@code server} on {@code bind}:{@code port}, refusing an address that failed to log
     * in too often as {@code throttle} says (as the admin listener does: three failures, then a wait).
     *
     * @param ssl the TLS context of the admin listener, or null for plain RMI
     * @throws IOException the port cannot be bound
     */
    public static RemoteJmx start(MBeanServer server, InetAddress bind, int port, Credentials credentials, SSLContext ssl,
                                  LoginThrottle throttle) throws IOException {
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(credentials, "credentials");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("jmx port must be 1..65535, got " + port);
        }
        String host = bind.getHostAddress();
        if (!bind.isAnyLocalAddress() && System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", host);
        }
        RMIServerSocketFactory sockets = new BoundSockets(bind, ssl);
        RMIClientSocketFactory clients = ssl == null ? null : new SslRMIClientSocketFactory();
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, authenticator(credentials, throttle));
        Registry registry = LocateRegistry.createRegistry(port, clients, sockets);
        RMIConnectorServer connector = null;
        try {
            RMIJRMPServerImpl rmi = new RMIJRMPServerImpl(port, clients, sockets, env);
            String authority = bind instanceof java.net.Inet6Address ? "[" + host + "]" : host;
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + authority + ":" + port + "/jndi/rmi://"
                    + authority + ":" + port + "/" + BINDING);
            connector = new RMIConnectorServer(new JMXServiceURL("rmi", host, port), env, rmi, server);
            connector.start();
            registry.bind(BINDING, rmi.toStub());
            LOG.info("remote JMX on {}{}", url, ssl == null ? "" : " (TLS)");
            return new RemoteJmx(url, registry, connector, port);
        } catch (IOException | AlreadyBoundException | RuntimeException e) {
            if (connector != null) {
                try {
                    connector.stop();
                } catch (IOException ignored) {
                    // closing after a failed start
                }
            }
            UnicastRemoteObject.unexportObject(registry, true);
            throw e instanceof IOException io ? io : new IOException("remote JMX on " + host + ":" + port + ": " + e, e);
        }
    }

    private static JMXAuthenticator authenticator(Credentials credentials, LoginThrottle throttle) {
        return given -> {
            String from = clientHost();
            Optional<java.time.Duration> wait = throttle.waitFor(from);
            if (wait.isPresent()) {
                LOG.warn("remote JMX: connection from {} refused: too many failed logins, {} s to wait", from,
                        wait.get().toSeconds());
                throw new SecurityException("too many failed logins; try again in " + wait.get().toSeconds() + " s");
            }
            if (!(given instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
                LOG.warn("remote JMX: connection from {} refused: no user and password or token", from);
                throw new SecurityException("authentication required: user and password, or the admin token");
            }
            Optional<String> who = credentials.check(pair[0], pair[1]);
            if (who.isEmpty()) {
                LOG.warn("remote JMX: connection from {} refused: wrong password or token for user {}", from, pair[0]);
                throttle.failed(from);
                throw new SecurityException("authentication failed");
            }
            throttle.succeeded(from);
            LOG.info("remote JMX: {} connected from {}", who.get(), from);
            return new Subject(true, Set.of(new JMXPrincipal(who.get())), Set.of(), Set.of());
        };
    }

    private static String clientHost() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "-";
        }
    }

    /** The address a client connects to. */
    public JMXServiceURL serviceUrl() {
        return url;
    }

    /** The port of the registry and the connector. */
    public int port() {
        return port;
    }

    /** Stops the connector (clients connected are cut off) and the registry, and frees the port. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connector.stop();
        } catch (IOException e) {
            LOG.warn("stopping remote JMX: {}", e.toString());
        }
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (NoSuchObjectException e) {
            LOG.debug("the JMX registry was not exported: {}", e.toString());
        }
    }

    /** Server sockets on one address only, plain or TLS; equal for equal settings, so RMI shares one port. */
    private static final class BoundSockets implements RMIServerSocketFactory {
        private final InetAddress bind;
        private final SSLContext ssl;

        BoundSockets(InetAddress bind, SSLContext ssl) {
            this.bind = bind;
            this.ssl = ssl;
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            if (ssl == null) {
                return new ServerSocket(port, 50, bind);
            }
            SSLServerSocket socket = (SSLServerSocket) ssl.getServerSocketFactory().createServerSocket(port, 50, bind);
            socket.setNeedClientAuth(false);
            return socket;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BoundSockets b && b.bind.equals(bind) && b.ssl == ssl;
        }

        @Override
        public int hashCode() {
            return bind.hashCode();
        }
    }
}
