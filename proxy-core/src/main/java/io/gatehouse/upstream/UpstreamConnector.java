package io.gatehouse.upstream;

import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.spi.ClientKeySource;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.ssl.SslConnection;

/**
 * Opens connections to members on the IO thread of the request that needs them, and holds the buffers
 * the proxy moves bodies through. A TLS member's connection is handed over only once its handshake is
 * done, so a certificate that is refused (another name, an unknown CA, expired) is a failed connect,
 * like a refused one: the exchange moves on to the next member, and the reason is logged as a warning.
 * The TLS contexts, one per {@link MemberTlsSpec}, are made by {@link #prepareTls} when a configuration
 * is built, never on an IO thread; a spec's client certificate is read then too, by the
 * {@link ClientKeySource} the application gives (the auth module's).
 */
public final class UpstreamConnector {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamConnector.class);
    private static final OptionMap OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);
    /**
     * A TLS handshake not done by then is given up. The request waiting on it gives up first, after
     * {@code response_timeout}; this only ends a handshake no request waits for any more.
     */
    static final long HANDSHAKE_LIMIT_MS = 60_000;

    private final ByteBufferPool bufferPool;
    private final long handshakeLimitMs;
    private final ClientKeySource clientKeys;
    private final Map<MemberTlsSpec, MemberTls> tls = new ConcurrentHashMap<>();

    /** What becomes of a connection attempt; called on the IO thread it was made from. */
    interface Callback {
        void connected(MemberConnection connection);

        void failed(IOException e);
    }

    /** A connector that can show members no client certificate (without the auth module). */
    public UpstreamConnector(ByteBufferPool bufferPool) {
        this(bufferPool, ClientKeySource.NONE);
    }

    /** @param clientKeys reads the client certificates clusters show their members ({@code client_cert}) */
    public UpstreamConnector(ByteBufferPool bufferPool, ClientKeySource clientKeys) {
        this(bufferPool, clientKeys, HANDSHAKE_LIMIT_MS);
    }

    /** @param handshakeLimitMs how long a TLS handshake may take before it is given up (tests shorten it) */
    UpstreamConnector(ByteBufferPool bufferPool, long handshakeLimitMs) {
        this(bufferPool, ClientKeySource.NONE, handshakeLimitMs);
    }

    UpstreamConnector(ByteBufferPool bufferPool, ClientKeySource clientKeys, long handshakeLimitMs) {
        this.bufferPool = bufferPool;
        this.clientKeys = Objects.requireNonNull(clientKeys, "clientKeys");
        this.handshakeLimitMs = handshakeLimitMs;
    }

    /** The buffers bodies move through. */
    public ByteBufferPool bufferPool() {
        return bufferPool;
    }

    /**
     * Makes the TLS context for members checked by {@code trust}, unless it exists: call when a
     * configuration is built, off the IO threads, for every TLS member it lists.
     *
     * @throws GeneralSecurityException the JVM cannot make it (no trust store, no TLS), or the client
     *                                  certificate cannot be read (the message says why)
     */
    public void prepareTls(MemberTlsSpec trust) throws GeneralSecurityException {
        if (tls.containsKey(trust)) {
            return;
        }
        MemberTls made = new MemberTls(trust, clientKeys);
        tls.putIfAbsent(trust, made);
    }

    /** Opens a connection to {@code member}'s address of now, from and on {@code thread}. */
    void connect(MemberEndpoint member, XnioIoThread thread, Callback callback) {
        InetSocketAddress to = member.address();
        MemberKey key = member.key();
        IoFuture<? extends StreamConnection> future;
        if (key.tls()) {
            MemberTls context = tls.get(key.trust());
            if (context == null) {
                // A bug: the build prepares every context; making one here would block the IO thread.
                LOG.error("no TLS context was prepared for upstream {}", member);
                callback.failed(new IOException("no TLS context was prepared for " + member));
                return;
            }
            OptionMap options = OptionMap.create(Options.TCP_NODELAY, true,
                    Options.SSL_PEER_HOST_NAME, key.address().host());
            future = context.ssl().openSslConnection(thread, to,
                    connection -> new Handshake(member, context, to, connection, thread, handshakeLimitMs, callback).start(),
                    options);
        } else {
            future = thread.openStreamConnection(to,
                    connection -> callback.connected(new MemberConnection(connection, to)), OPTIONS);
        }
        future.addNotifier((f, attachment) -> {
            if (f.getStatus() == IoFuture.Status.FAILED) {
                callback.failed(f.getException());
            } else if (f.getStatus() == IoFuture.Status.CANCELLED) {
                callback.failed(new IOException("connecting to " + member + " was cancelled"));
            }
        }, null);
    }

    /**
     * Drives a new TLS connection's handshake to its end on its IO thread (the engine's checks run on
     * the worker pool meanwhile), then hands the connection over; a failed handshake closes it and is
     * logged once, with the member and the reason.
     */
    private static final class Handshake implements ChannelListener<Channel> {
        private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

        private final MemberEndpoint member;
        private final MemberTls context;
        private final InetSocketAddress to;
        private final SslConnection connection;
        private final ConduitStreamSourceChannel source;
        private final ConduitStreamSinkChannel sink;
        private final XnioIoThread thread;
        private final long limitMs;
        private final Callback callback;
        private XnioExecutor.Key limit;
        private boolean over;

        Handshake(MemberEndpoint member, MemberTls context, InetSocketAddress to, SslConnection connection,
                  XnioIoThread thread, long limitMs, Callback callback) {
            this.member = member;
            this.context = context;
            this.to = to;
            this.connection = connection;
            this.source = connection.getSourceChannel();
            this.sink = connection.getSinkChannel();
            this.thread = thread;
            this.limitMs = limitMs;
            this.callback = callback;
        }

        void start() {
            connection.getHandshakeSetter().set(this);
            source.getReadSetter().set(this);
            sink.getWriteSetter().set(this);
            limit = thread.executeAfter(this::tooSlow, limitMs, TimeUnit.MILLISECONDS);
            try {
                connection.startHandshake();
            } catch (IOException e) {
                failed(e);
                return;
            }
            drive();
        }

        @Override
        public void handleEvent(Channel channel) {
            if (channel == connection) {
                done();
            } else {
                drive();
            }
        }

        /** Lets the TLS layer write and read what the handshake needs; it calls back when the handshake is done. */
        private void drive() {
            try {
                if (!over && !sink.flush()) {
                    sink.resumeWrites();
                } else if (!over) {
                    sink.suspendWrites();
                }
                if (over) {
                    return;
                }
                if (source.read(NOTHING) < 0) {
                    failed(new ClosedChannelException());
                } else if (!over) {
                    source.resumeReads();
                }
            } catch (IOException e) {
                failed(e);
            }
        }

        private void done() {
            if (over) {
                return;
            }
            over = true;
            limit.remove();
            source.getReadSetter().set(null);
            sink.getWriteSetter().set(null);
            sink.suspendWrites();
            connection.getHandshakeSetter().set(null);
            callback.connected(new MemberConnection(connection, to));
        }

        private void tooSlow() {
            String reason = "the handshake was not done within " + limitMs + " ms";
            failed(new SSLHandshakeException(reason), reason);
        }

        private void failed(IOException e) {
            failed(e, null);
        }

        /** @param reason why, in an operator's words; null to find out from {@code e} and the checks */
        private void failed(IOException e, String reason) {
            if (over) {
                return;
            }
            over = true;
            limit.remove();
            IoUtils.safeClose(connection);
            if (reason == null) {
                reason = context.reason(connection, e);
            }
            LOG.warn("TLS with upstream {} failed: {}", member, reason);
            SSLHandshakeException failure = new SSLHandshakeException(reason);
            failure.initCause(e);
            callback.failed(failure);
        }
    }
}
