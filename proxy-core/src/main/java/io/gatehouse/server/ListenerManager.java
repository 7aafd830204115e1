package io.gatehouse.server;

import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.TuneFactors;
import io.gatehouse.config.source.IoErrors;
import io.gatehouse.runtime.RuntimeHolder;
import io.gatehouse.server.edge.EdgeLimits;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * One Undertow HTTP listener per {@code ip:port}. Listeners are reconciled by address: a listener that
 * is in the old and the new configuration stays bound (its connections are untouched and its
 * options follow the new configuration); new ones are bound and removed ones closed.
 */
public final class ListenerManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerManager.class);

    private final XnioWorker worker;
    private final ByteBufferPool bufferPool;
    private final RuntimeHolder holder;
    private final InFlight inFlight;
    private final Function<TuneFactors, ConnectionGuard> guards;
    private final Map<HostPort, Bound> bound = new LinkedHashMap<>();

    private static final class Bound {
        final AcceptingChannel<StreamConnection> channel;
        final HttpOpenListener http;
        volatile ConnectionGuard guard;

        Bound(AcceptingChannel<StreamConnection> channel, HttpOpenListener http, ConnectionGuard guard) {
            this.channel = channel;
            this.http = http;
            this.guard = guard;
        }
    }

    /**
     * @param guards makes the per-connection setup (strict framing) from a listener's limits
     */
    public ListenerManager(XnioWorker worker, ByteBufferPool bufferPool, RuntimeHolder holder, InFlight inFlight,
                           Function<TuneFactors, ConnectionGuard> guards) {
        this.worker = worker;
        this.bufferPool = bufferPool;
        this.holder = holder;
        this.inFlight = inFlight;
        this.guards = guards;
    }

    /**
     * Makes the bound listeners match {@code config}. Binds new ones first; if one cannot be bound,
     * the ones bound by this call are closed again and nothing else changes.
     */
    public synchronized void reconcile(GatehouseConfig config) throws ListenFailure {
        Map<HostPort, Bound> added = new LinkedHashMap<>();
        for (ListenerSpec listener : config.listeners()) {
            Bound existing = bound.get(listener.bind());
            TuneFactors tune = listener.primary().tune();
            if (existing != null) {
                existing.http.setUndertowOptions(undertowOptions(tune));
                existing.guard = guards.apply(tune);
                continue;
            }
            try {
                added.put(listener.bind(), bind(listener));
            } catch (IOException e) {
                added.values().forEach(b -> IoUtils.safeClose(b.channel));
                throw new ListenFailure(listener.primary().server().bindPos(),
                        "[server] cannot listen on " + listener.bind() + ": " + IoErrors.describe(e), e);
            }
        }
        bound.putAll(added);
        Set<HostPort> wanted = config.listeners().stream().map(ListenerSpec::bind).collect(Collectors.toSet());
        for (HostPort old : List.copyOf(bound.keySet())) {
            if (!wanted.contains(old)) {
                Bound gone = bound.remove(old);
                IoUtils.safeClose(gone.channel);
                gone.http.closeConnections();
                LOG.info("listener {} closed", old);
            }
        }
    }

    private Bound bind(ListenerSpec listener) throws IOException {
        HostPort bind = listener.bind();
        TuneFactors tune = listener.primary().tune();
        HttpOpenListener http = new HttpOpenListener(bufferPool, undertowOptions(tune));
        http.setRootHandler(new ListenerRootHandler(holder, bind, inFlight));
        Bound[] self = new Bound[1];
        ChannelListener<StreamConnection> onOpen = connection -> {
            LazyReadSuspend.install(connection);
            self[0].guard.install(connection);
            http.handleEvent(connection);
        };
        ChannelListener<AcceptingChannel<StreamConnection>> acceptor = ChannelListeners.openListenerAdapter(onOpen);
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.TCP_NODELAY, true)
                .set(Options.BACKLOG, 1024)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .getMap();
        AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(
                new InetSocketAddress(bind.host(), bind.port()), acceptor, socketOptions);
        self[0] = new Bound(channel, http, guards.apply(tune));
        channel.resumeAccepts();
        LOG.info("listening on http://{}", bind);
        return self[0];
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

    /** The address a listener is actually bound to (useful when the configuration said port 0). */
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
            b.http.closeConnections();
        }
        bound.clear();
    }
}
