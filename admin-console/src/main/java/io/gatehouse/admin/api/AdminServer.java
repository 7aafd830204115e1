package io.gatehouse.admin.api;

import io.gatehouse.admin.security.LoginThrottle;
import io.gatehouse.admin.security.Sessions;
import io.gatehouse.auth.tls.PemKeyMaterial;
import io.gatehouse.auth.tls.PemLoad;
import io.gatehouse.auth.tls.ServerTls;
import io.gatehouse.auth.tls.TlsSpec;
import io.gatehouse.config.model.AdminSpec;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.xnio.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: the console and its API on {@code [admin] ip:port}, a small server of its own (one
 * IO thread, two worker threads), never on a public listener; over TLS when {@code [admin]} has a
 * {@code certfile}. {@link #start} binds it; {@link #stop} closes it.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.gatehouse.admin.api");
    static final int IO_THREADS = 1;
    static final int WORKER_THREADS = 2;

    private final Undertow server;
    private final Optional<SSLContext> ssl;
    private final InetSocketAddress address;
    private final Sessions sessions;

    private AdminServer(Undertow server, Optional<SSLContext> ssl, InetSocketAddress address, Sessions sessions) {
        this.server = server;
        this.ssl = ssl;
        this.address = address;
        this.sessions = sessions;
    }

    /**
     * Binds the admin listener of {@code spec}, serving {@code context}.
     *
     * @throws IllegalArgumentException the TLS certificate or key cannot be used (the message says why)
     * @throws RuntimeException         the address cannot be bound (Undertow's exception, with the cause)
     */
    public static AdminServer start(AdminSpec spec, AdminContext context) {
        return start(spec, context, Clock.systemUTC(), new SecureRandom());
    }

    /** As {@link #start(AdminSpec, AdminContext)}, with the clock of sessions and throttling and the randomness of ids. */
    public static AdminServer start(AdminSpec spec, AdminContext context, Clock clock, SecureRandom random) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(context, "context");
        Optional<SSLContext> ssl = spec.tls() ? Optional.of(sslContext(spec, clock)) : Optional.empty();
        Sessions sessions = new Sessions(spec.sessionTimeout(), clock, random);
        String host = spec.bind().host();
        String origin = (ssl.isPresent() ? "https://" : "http://")
                + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + spec.bind().port();
        AdminHandler handler = new AdminHandler(context, sessions, new LoginThrottle(clock),
                new ConsoleFiles(AdminServer.class.getClassLoader()), ssl.isPresent(), origin);
        Undertow.Builder builder = Undertow.builder()
                .setIoThreads(IO_THREADS)
                .setWorkerThreads(WORKER_THREADS)
                .setWorkerOption(Options.WORKER_NAME, "gatehouse-admin")
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 1024L * 1024)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                .setHandler(handler);
        if (ssl.isPresent()) {
            builder.addHttpsListener(spec.bind().port(), host, ssl.get());
        } else {
            builder.addHttpListener(spec.bind().port(), host);
        }
        Undertow server = builder.build();
        server.start();
        InetSocketAddress bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        LOG.info("admin console on {}://{}", ssl.isPresent() ? "https" : "http", spec.bind());
        return new AdminServer(server, ssl, bound, sessions);
    }

    /**
     * The admin listener's TLS context, from {@code certfile}/{@code keyfile}: TLS 1.2 and 1.3 with the
     * listeners' default cipher suites. Remote JMX may use the same context.
     *
     * @throws IllegalArgumentException the files cannot be used; the message lists why
     */
    public static SSLContext sslContext(AdminSpec spec, Clock clock) {
        if (!spec.tls()) {
            throw new IllegalArgumentException("[admin] has no certfile");
        }
        PemLoad load = PemKeyMaterial.load(spec.certfile().get(), spec.keyfile().orElse(null), spec.passphrase(), clock);
        if (load instanceof PemLoad.Refused refused) {
            throw new IllegalArgumentException("[admin] TLS: " + String.join("; ", refused.problems()));
        }
        PemKeyMaterial material = ((PemLoad.Loaded) load).material();
        for (String warning : load.warnings()) {
            LOG.warn("[admin] TLS: {}", warning);
        }
        return ServerTls.build(List.of(material), TlsSpec.defaults(), null).context();
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return address;
    }

    /** Its TLS context, when it speaks TLS: for remote JMX to reuse. */
    public Optional<SSLContext> sslContext() {
        return ssl;
    }

    /** Console sessions live now. */
    public int sessions() {
        return sessions.size();
    }

    /** Closes the listener and its threads; open connections (event streams too) are cut. */
    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
