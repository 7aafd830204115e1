package io.gatehouse.server;

import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.TuneFactors;
import io.gatehouse.config.source.IoErrors;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.runtime.RuntimeHolder;
import io.gatehouse.server.edge.EdgeLimits;
import io.gatehouse.spi.TlsContextFactory;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * One acceptor per {@code ip:port}: plain HTTP/1.1, plain HTTP/1.1 that also takes HTTP/2 with prior
 * knowledge ({@code [server] h2c = yes}), TLS with HTTP/2 or HTTP/1.1 chosen by ALPN ({@code [ssl]}), or
 * a {@code redirect_http} port that answers 301 to HTTPS. Listeners are reconciled by address: one that
 * is in the old and the new configuration and serves the same way stays bound (its connections are
 * untouched, its options follow the new configuration, a TLS listener's certificates are read again by
 * the {@link TlsContextFactory}); new ones are bound, removed ones closed, and one whose way of serving
 * changed (plain to TLS, another redirect target) is closed and bound again.
 *
 * <p>Every HTTP/1.1 connection, decrypted or not, gets the strict framing layer ({@code server.edge})
 * before Undertow's parser reads a byte; HTTP/2 connections go to Undertow's HTTP/2 listener with the
 * limits of {@link #http2Options}.
 */
public final class ListenerManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerManager.class);

    /** Streams one HTTP/2 connection may have open at once (nginx's {@code http2_max_concurrent_streams}). */
    public static final int H2_MAX_CONCURRENT_STREAMS = 128;
    /** RST_STREAM frames a client may send in {@link #H2_RST_WINDOW_MILLIS} before its connection is closed with GOAWAY. */
    public static final int H2_MAX_RESETS_PER_WINDOW = 200;
    /** The window the resets are counted in. */
    public static final int H2_RST_WINDOW_MILLIS = 30_000;

    private final XnioWorker worker;
    private final ByteBufferPool bufferPool;
    private final RuntimeHolder holder;
    private final InFlight inFlight;
    private final Function<TuneFactors, ConnectionGuard> guards;
    private final TlsContextFactory tls;
    private final UnaryOperator<HttpHandler> redirectChain;
    /** Client connections open now on every listener. */
    private final OpenConnections open = new OpenConnections();
    private final Map<HostPort, Bound> bound = new LinkedHashMap<>();

    private enum Kind { PLAIN, H2C, TLS, REDIRECT }

    /** How an address serves; when it changes the address is bound again. */
    private record Shape(Kind kind, boolean http2, int redirectTo) {
        @Override
        public String toString() {
            return switch (kind) {
                case PLAIN -> "http";
                case H2C -> "http (and h2c)";
                case TLS -> http2 ? "https (h2, http/1.1)" : "https (http/1.1)";
                case REDIRECT -> "http (301 to https port " + redirectTo + ")";
            };
        }
    }

    /** What the configuration wants on one address. */
    private record Wanted(HostPort bind, Shape shape, TuneFactors tune, SourcePos pos, SSLContext context) {
    }

    private static final class Bound {
        final AcceptingChannel<? extends StreamConnection> channel;
        final Shape shape;
        final HttpOpenListener http;
        final io.undertow.server.DelegateOpenListener http2;
        final UndertowXnioSsl ssl;
        volatile ConnectionGuard guard;

        Bound(AcceptingChannel<? extends StreamConnection> channel, Shape shape, HttpOpenListener http,
              io.undertow.server.DelegateOpenListener http2, UndertowXnioSsl ssl, ConnectionGuard guard) {
            this.channel = channel;
            this.shape = shape;
            this.http = http;
            this.http2 = http2;
            this.ssl = ssl;
            this.guard = guard;
        }

        void closeConnections() {
            http.closeConnections();
            if (http2 != null) {
                http2.closeConnections();
            }
        }
    }

    /**
     * Plain HTTP only, as before TLS: for tests and assemblies without the TLS module.
     *
     * @param guards makes the per-connection setup (strict framing) from a listener's limits
     */
    public ListenerManager(XnioWorker worker, ByteBufferPool bufferPool, RuntimeHolder holder, InFlight inFlight,
                           Function<TuneFactors, ConnectionGuard> guards) {
        this(worker, bufferPool, holder, inFlight, guards, TlsContextFactory.NONE, UnaryOperator.identity());
    }

    /**
     * @param guards        makes the per-connection setup (strict framing) from a listener's limits
     * @param tls           the TLS of listeners whose sites have {@code enable_ssl = yes}
     * @param redirectChain wraps a {@code redirect_http} listener's redirect in the request log (see
     *                      {@code ChainAssembler.redirectChain})
     */
    public ListenerManager(XnioWorker worker, ByteBufferPool bufferPool, RuntimeHolder holder, InFlight inFlight,
                           Function<TuneFactors, ConnectionGuard> guards, TlsContextFactory tls,
                           UnaryOperator<HttpHandler> redirectChain) {
        this.worker = worker;
        this.bufferPool = bufferPool;
        this.holder = holder;
        this.inFlight = inFlight;
        this.guards = guards;
        this.tls = tls;
        this.redirectChain = redirectChain;
    }

    /**
     * Makes the bound listeners match {@code config}. Binds new ones first; if one cannot be bound,
     * the ones bound by this call are closed again and nothing else changes (an address whose way of
     * serving changed was closed first and stays closed).
     */
    public synchronized void reconcile(GatehouseConfig config) throws ListenFailure {
        Map<HostPort, Wanted> wanted = wanted(config);
        Map<HostPort, Bound> added = new LinkedHashMap<>();
        for (Wanted want : wanted.values()) {
            Bound existing = bound.get(want.bind());
            if (existing != null && existing.shape.equals(want.shape())) {
                update(existing, want);
                continue;
            }
            if (existing != null) {
                bound.remove(want.bind());
                close(want.bind(), existing);
            }
            try {
                added.put(want.bind(), bind(want));
            } catch (IOException e) {
                added.forEach(this::close);
                throw new ListenFailure(want.pos(), "[server] cannot listen on " + want.bind() + ": " + IoErrors.describe(e), e);
            }
        }
        bound.putAll(added);
        for (HostPort old : List.copyOf(bound.keySet())) {
            if (!wanted.containsKey(old)) {
                close(old, bound.remove(old));
            }
        }
        List<HostPort> tlsListeners = new ArrayList<>();
        bound.forEach((bind, b) -> {
            if (b.shape.kind() == Kind.TLS) {
                tlsListeners.add(bind);
            }
        });
        tls.retain(Set.copyOf(tlsListeners));
    }

    private Map<HostPort, Wanted> wanted(GatehouseConfig config) throws ListenFailure {
        Map<HostPort, Wanted> wanted = new LinkedHashMap<>();
        for (ListenerSpec listener : config.listeners()) {
            SiteSpec primary = listener.primary();
            Optional<SSLContext> context;
            try {
                context = tls.forListener(listener);
            } catch (Exception e) {
                throw new ListenFailure(primary.ssl().keys().of("certfile"), "[ssl] cannot serve TLS on " + listener.bind()
                        + ": " + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
            }
            HostPort bind = listener.bind();
            if (context.isPresent()) {
                wanted.put(bind, new Wanted(bind, new Shape(Kind.TLS, primary.ssl().http2(), 0), primary.tune(),
                        primary.server().bindPos(), context.get()));
                for (SiteSpec site : listener.sites()) {
                    site.ssl().redirectHttp().ifPresent(port -> wanted.putIfAbsent(new HostPort(bind.host(), port),
                            new Wanted(new HostPort(bind.host(), port), new Shape(Kind.REDIRECT, false, bind.port()),
                                    site.tune(), site.ssl().keys().of("redirect_http"), null)));
                }
            } else {
                Kind kind = primary.server().h2c() ? Kind.H2C : Kind.PLAIN;
                wanted.put(bind, new Wanted(bind, new Shape(kind, false, 0), primary.tune(), primary.server().bindPos(), null));
            }
        }
        return wanted;
    }

    private void update(Bound existing, Wanted want) {
        existing.http.setUndertowOptions(undertowOptions(want.tune()));
        if (existing.http2 != null) {
            existing.http2.setUndertowOptions(http2Options(want.tune()));
        }
        if (existing.ssl != null && existing.ssl.getSslContext() != want.context()) {
            existing.ssl.updateSSLContext(want.context());
        }
        existing.guard = guards.apply(want.tune());
    }

    private void close(HostPort bind, Bound gone) {
        IoUtils.safeClose(gone.channel);
        gone.closeConnections();
        LOG.info("listener {} closed", bind);
    }

    private Bound bind(Wanted want) throws IOException {
        HostPort bind = want.bind();
        TuneFactors tune = want.tune();
        Shape shape = want.shape();
        HttpOpenListener http = new HttpOpenListener(bufferPool, undertowOptions(tune));
        HttpHandler root = shape.kind() == Kind.REDIRECT
                ? redirectChain.apply(new HttpsRedirectHandler(bind.host(), shape.redirectTo()))
                : new ListenerRootHandler(holder, bind, inFlight);
        http.setRootHandler(root);
        io.undertow.server.DelegateOpenListener http2 = null;
        if (shape.kind() == Kind.H2C || shape.http2()) {
            http2 = new io.gatehouse.server.h2.StrictHttp2OpenListener(bufferPool, http2Options(tune), open);
            http2.setRootHandler(new Http2StreamLimit(H2_MAX_CONCURRENT_STREAMS, root));
        }
        Bound[] self = new Bound[1];
        Http1Entry http1 = new Http1Entry(http, () -> self[0].guard, open);
        InetSocketAddress address = new InetSocketAddress(bind.host(), bind.port());
        AcceptingChannel<? extends StreamConnection> channel;
        UndertowXnioSsl ssl = null;
        String scheme = "http";
        switch (shape.kind()) {
            case TLS -> {
                ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true),
                        want.context(), worker);
                ChannelListener<StreamConnection> onOpen;
                if (http2 != null) {
                    AlpnOpenListener alpn = new AlpnOpenListener(bufferPool, undertowOptions(tune), http1);
                    alpn.addProtocol(Http2OpenListener.HTTP2, http2, 10);
                    onOpen = alpn;
                } else {
                    onOpen = http1::handleEvent;
                }
                OptionMap options = OptionMap.builder().addAll(socketOptions())
                        .set(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.NOT_REQUESTED).getMap();
                channel = ssl.createSslConnectionServer(worker, address, ChannelListeners.openListenerAdapter(onOpen), options);
                scheme = "https";
            }
            case H2C -> {
                io.undertow.server.DelegateOpenListener prior = http2;
                long idle = Math.min(Integer.MAX_VALUE, tune.keepAlive().toMillis());
                ChannelListener<StreamConnection> onOpen = connection -> {
                    LazyReadSuspend.install(connection);
                    H2cPreface.sniff(connection, bufferPool, prior, http1, idle);
                };
                channel = worker.createStreamConnectionServer(address, ChannelListeners.openListenerAdapter(onOpen), socketOptions());
            }
            default -> {
                ChannelListener<StreamConnection> onOpen = connection -> {
                    LazyReadSuspend.install(connection);
                    self[0].guard.install(connection);
                    http.handleEvent(connection);
                    open.track(connection);
                };
                channel = worker.createStreamConnectionServer(address, ChannelListeners.openListenerAdapter(onOpen), socketOptions());
            }
        }
        self[0] = new Bound(channel, shape, http, http2, ssl, guards.apply(tune));
        channel.resumeAccepts();
        LOG.info("listening on {}://{} ({})", scheme, bind, shape);
        return self[0];
    }

    private static OptionMap socketOptions() {
        return OptionMap.builder()
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.TCP_NODELAY, true)
                .set(Options.BACKLOG, 1024)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .getMap();
    }

    /**
     * Undertow's HTTP/1.1 options for a listener. The edge ({@code server.edge}) has checked every
     * request head before Undertow parses it, so Undertow is set to accept whatever the edge lets
     * through and to leave the request target as received: URL decoding off, and characters RFC 3986
     * does not allow but browsers and nginx pass ({@code " < > \ ^ ` { | }}) accepted as they are
     * (Undertow keeps them, and the URI, undecoded with decoding off). It would still refuse, with an
     * empty 400, a malformed {@code %} escape, a method over 33 characters and an absolute-form target
     * whose authority it cannot parse; the edge refuses those first, with the JSON body. Query and path
     * parameters are not counted (Undertow stops at 1,000): the request line's length bounds them.
     * HTTP/2 stays off in the HTTP/1.1 parser: no {@code Upgrade: h2c}, and prior knowledge is told
     * apart before the parser (see {@link H2cPreface}) only where {@code h2c = yes}.
     */
    static OptionMap undertowOptions(TuneFactors tune) {
        return OptionMap.builder()
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, tune.keepAlive().toMillis()))
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT,
                        (int) Math.min(Integer.MAX_VALUE, tune.headerTimeout().toMillis()))
                .set(UndertowOptions.MAX_HEADER_SIZE, (int) tune.maxHeaderSize() + EdgeLimits.DEFAULTS.maxRequestLine() + 1024)
                // bodies stream through, so their size is not limited (Undertow would stop at 2 MiB)
                .set(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .set(UndertowOptions.MAX_PARAMETERS, Integer.MAX_VALUE)
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .set(UndertowOptions.ENABLE_HTTP2, false)
                .getMap();
    }

    /**
     * Undertow's HTTP/2 options: the same target handling as HTTP/1.1, and the limits that keep one
     * client from taking the server: at most {@value #H2_MAX_CONCURRENT_STREAMS} streams open at once
     * (advertised here, enforced by {@link Http2StreamLimit}: more are answered 503), a header list no larger than {@code max_header_size}
     * (advertised in SETTINGS and enforced), at most {@value #H2_MAX_RESETS_PER_WINDOW} RST_STREAM frames
     * from the client in {@value #H2_RST_WINDOW_MILLIS} ms (the rapid-reset pattern: the connection is then
     * closed with GOAWAY), no server push, and the connection closed after {@code keep_alive} without a stream.
     */
    static OptionMap http2Options(TuneFactors tune) {
        int idle = (int) Math.min(Integer.MAX_VALUE, tune.keepAlive().toMillis());
        return OptionMap.builder()
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, idle)
                .set(UndertowOptions.IDLE_TIMEOUT, idle)
                .set(UndertowOptions.MAX_HEADER_SIZE, (int) tune.maxHeaderSize())
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, (int) tune.maxHeaderSize())
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, H2_MAX_CONCURRENT_STREAMS)
                .set(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, H2_MAX_RESETS_PER_WINDOW)
                .set(UndertowOptions.RST_FRAMES_TIME_WINDOW, H2_RST_WINDOW_MILLIS)
                .set(UndertowOptions.HTTP2_SETTINGS_ENABLE_PUSH, false)
                .set(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .set(UndertowOptions.MAX_PARAMETERS, Integer.MAX_VALUE)
                .getMap();
    }

    /** The address a listener is actually bound to (useful when the configuration said port 0). */
    /** Client connections open now on every listener, for the metrics. */
    public OpenConnections openConnections() {
        return open;
    }

    public synchronized InetSocketAddress boundAddress(HostPort bind) {
        Bound b = bound.get(bind);
        return b == null ? null : b.channel.getLocalAddress(InetSocketAddress.class);
    }

    /** Stops accepting new connections; open ones keep being served. */
    public synchronized void stopAccepting() {
        for (Bound b : bound.values()) {
            IoUtils.safeClose(b.channel);
        }
    }

    /** Closes every listener and every client connection. */
    @Override
    public synchronized void close() {
        for (Bound b : bound.values()) {
            IoUtils.safeClose(b.channel);
            b.closeConnections();
        }
        bound.clear();
    }
}
