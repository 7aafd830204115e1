package io.gatehouse.upstream;

import io.gatehouse.handler.ClientAddress;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.handler.RequestIds;
import io.gatehouse.routing.RoutedRequest;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.TriedMembers;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import io.undertow.util.Transfer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

/**
 * Proxies a request to a member of a cluster, streaming both bodies without buffering them, on the
 * IO thread of the client's exchange. Keep-alive connections to members are reused from a pool per
 * IO thread. A member that refuses the connection is left for another member; when none answers the
 * client gets 502, when the answer does not start within {@code response_timeout} 504, and when the
 * cluster has nothing usable 503 — each as a JSON body through {@link ErrorReply}.
 */
public final class UpstreamProxyHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxyHandler.class);
    private static final Runnable NOTHING = () -> { };

    /** Set on the exchange when an upstream exchange failed, for logs and metrics. */
    public static final AttachmentKey<UpstreamFailure> FAILURE = AttachmentKey.create(UpstreamFailure.class);
    /** The member that served the request. */
    public static final AttachmentKey<MemberState> MEMBER = AttachmentKey.create(MemberState.class);

    private final UpstreamCluster cluster;
    private final UpstreamConnector connector;
    private final long responseTimeoutMillis;
    private final String basePath;

    /**
     * @param basePath "" to pass the path unchanged; otherwise it replaces the matched route prefix
     */
    public UpstreamProxyHandler(UpstreamCluster cluster, UpstreamConnector connector, long responseTimeoutMillis,
                                String basePath) {
        this.cluster = cluster;
        this.connector = connector;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.basePath = basePath;
    }

    public UpstreamCluster cluster() {
        return cluster;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        ProxyExchange px = new ProxyExchange(exchange);
        exchange.dispatch(exchange.isInIoThread() ? SameThreadExecutor.INSTANCE : exchange.getIoThread(), px);
    }

    /** The path and query sent upstream. */
    String upstreamPath(HttpServerExchange exchange) {
        RoutedRequest routed = exchange.getAttachment(RoutedRequest.KEY);
        String path = routed != null ? routed.forwardPath() : exchange.getRequestURI();
        if (!basePath.isEmpty() && routed != null) {
            String rest = path.substring(Math.min(path.length(), routed.prefix().equals("/") ? 0 : routed.prefix().length()));
            if (basePath.endsWith("/") && rest.startsWith("/")) {
                rest = rest.substring(1);
            }
            path = basePath + rest;
            if (path.isEmpty()) {
                path = "/";
            }
        }
        String query = exchange.getQueryString();
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    /** One request's trip upstream. Every method runs on the client exchange's IO thread. */
    private final class ProxyExchange implements Runnable, TriedMembers, RequestKey, ExchangeCompletionListener {
        private final HttpServerExchange exchange;
        private final MemberState[] tried;
        private int triedCount;
        private MemberState member;
        private ClientConnection connection;
        private boolean reused;
        private boolean upgradeRequested;
        private boolean relayUpgrade;
        private boolean requestDone;
        private boolean responseDone;
        private boolean responseStarted;
        private boolean finished;
        private boolean upgraded;
        private XnioExecutor.Key timeout;

        ProxyExchange(HttpServerExchange exchange) {
            this.exchange = exchange;
            this.tried = new MemberState[cluster.members().size()];
        }

        @Override
        public void run() {
            HeaderMap headers = exchange.getRequestHeaders();
            upgradeRequested = headers.contains(Headers.UPGRADE);
            relayUpgrade = upgradeRequested && exchange.getRequestMethod().equals(Methods.GET)
                    && ForwardedHeaders.isRelayableUpgrade(headers);
            exchange.addExchangeCompleteListener(this);
            if (exchange.isRequestComplete()) {
                armTimeout();
            }
            tryNextMember();
        }

        // ---- choosing a member and a connection

        private void tryNextMember() {
            MemberState next = cluster.picker().pick(this, this);
            if (next == null) {
                fail(triedCount == 0 ? UpstreamFailure.NO_MEMBER : UpstreamFailure.CONNECT_FAILED);
                return;
            }
            member = next;
            tried[triedCount++] = next;
            next.onRequestStart();
            ClientConnection pooled = next.pool(exchange.getIoThread().getNumber()).take();
            if (pooled != null) {
                reused = true;
                send(pooled);
            } else {
                connect();
            }
        }

        private void connect() {
            reused = false;
            MemberState target = member;
            int thread = exchange.getIoThread().getNumber();
            connector.connect(target, exchange.getIoThread(), new ClientCallback<>() {
                @Override
                public void completed(ClientConnection fresh) {
                    ConnectionPool pool = target.pool(thread);
                    fresh.addCloseListener(pool::remove);
                    if (finished) {
                        pool.offer(fresh); // the request is over; the connection is still good
                        return;
                    }
                    send(fresh);
                }

                @Override
                public void failed(IOException e) {
                    target.onFailure();
                    target.onRequestEnd();
                    if (target == member) {
                        member = null;
                    }
                    if (finished) {
                        return;
                    }
                    LOG.debug("connect to {} failed: {}", target, e.toString());
                    tryNextMember();
                }
            });
        }

        // ---- sending the request

        private void send(ClientConnection conn) {
            connection = conn;
            ClientRequest request = new ClientRequest()
                    .setMethod(exchange.getRequestMethod())
                    .setPath(upstreamPath(exchange));
            HeaderMap out = request.getRequestHeaders();
            RequestIds ids = exchange.getAttachment(RequestIds.KEY);
            ForwardedHeaders.copyRequest(exchange.getRequestHeaders(), out, clientIp(), exchange.getRequestScheme(),
                    viaVersion(), relayUpgrade, ids == null ? "-" : ids.gtid());
            out.remove(Headers.EXPECT); // answered by Gatehouse once the member is connected
            if (!out.contains(Headers.HOST)) {
                out.put(Headers.HOST, member.key().address().toString());
            }
            if (!exchange.isRequestComplete() && !out.contains(Headers.CONTENT_LENGTH)) {
                out.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
            conn.sendRequest(request, new ClientCallback<>() {
                @Override
                public void completed(ClientExchange cx) {
                    onRequestSent(cx);
                }

                @Override
                public void failed(IOException e) {
                    onUpstreamError(e);
                }
            });
        }

        private void onRequestSent(ClientExchange cx) {
            if (finished) {
                IoUtils.safeClose(cx.getConnection());
                return;
            }
            if (HttpContinue.requiresContinueResponse(exchange)) {
                // A member is connected and has the head: tell the client to send its body. Gatehouse
                // answers the expectation itself, as nginx does, and sends the member a plain request
                // (many members never answer Expect, which would leave client and member waiting).
                HttpContinue.sendContinueResponse(exchange, new IoCallback() {
                    @Override
                    public void onComplete(HttpServerExchange ex, Sender sender) {
                    }

                    @Override
                    public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                        IoUtils.safeClose(cx.getConnection());
                        ex.endExchange();
                    }
                });
            }
            cx.setResponseListener(new ClientCallback<>() {
                @Override
                public void completed(ClientExchange result) {
                    onResponse(result);
                }

                @Override
                public void failed(IOException e) {
                    onUpstreamError(e);
                }
            });
            StreamSinkChannel upstream = cx.getRequestChannel();
            if (exchange.isRequestComplete()) {
                finishWrites(upstream, () -> requestDone = true);
                return;
            }
            try {
                // Send the head now, before any body arrives.
                upstream.flush();
            } catch (IOException e) {
                onUpstreamError(e);
                return;
            }
            Transfer.initiateTransfer(exchange.getRequestChannel(), upstream,
                    ChannelListeners.closingChannelListener(),
                    sink -> finishWrites(sink, () -> {
                        requestDone = true;
                        // A body may take long to upload: the member's time to answer counts from its end.
                        if (!responseStarted && !finished) {
                            armTimeout();
                        }
                    }),
                    clientReadFailed(), upstreamWriteFailed(),
                    exchange.getConnection().getByteBufferPool());
        }

        // ---- relaying the response

        private void onResponse(ClientExchange cx) {
            cancelTimeout();
            if (finished) {
                IoUtils.safeClose(cx.getConnection());
                return;
            }
            responseStarted = true;
            ClientResponse response = cx.getResponse();
            int status = response.getResponseCode();
            boolean switching = status == StatusCodes.SWITCHING_PROTOCOLS && relayUpgrade;
            exchange.setStatusCode(status);
            ForwardedHeaders.copyResponse(response.getResponseHeaders(), exchange.getResponseHeaders(), viaVersion(),
                    switching);
            exchange.putAttachment(MEMBER, member);
            if (switching) {
                upgraded = true;
                exchange.upgradeChannel((clientSide, ex) -> tunnel(clientSide, cx));
            } else if (upgradeRequested) {
                // A refused upgrade ends the connection, so bytes after it are never read as a new request.
                exchange.setPersistent(false);
            }
            Transfer.initiateTransfer(cx.getResponseChannel(), exchange.getResponseChannel(),
                    ChannelListeners.closingChannelListener(),
                    sink -> {
                        // The member's response has been read to its end: the connection is reusable
                        // (set before the flush, which may complete the exchange).
                        responseDone = true;
                        finishWrites(sink, NOTHING);
                    },
                    upstreamReadFailed(), clientWriteFailed(),
                    exchange.getConnection().getByteBufferPool());
        }

        private void tunnel(StreamConnection clientSide, ClientExchange cx) {
            StreamConnection upstreamSide;
            try {
                upstreamSide = cx.getConnection().performUpgrade();
            } catch (IOException e) {
                IoUtils.safeClose(clientSide);
                return;
            }
            ChannelExceptionHandler<Channel> closeBoth = (channel, e) -> IoUtils.safeClose(clientSide, upstreamSide);
            Transfer.initiateTransfer(upstreamSide.getSourceChannel(), clientSide.getSinkChannel(),
                    ChannelListeners.closingChannelListener(), shutdownThenClose(), closeBoth, closeBoth,
                    cx.getConnection().getBufferPool());
            Transfer.initiateTransfer(clientSide.getSourceChannel(), upstreamSide.getSinkChannel(),
                    ChannelListeners.closingChannelListener(), shutdownThenClose(), closeBoth, closeBoth,
                    cx.getConnection().getBufferPool());
        }

        // ---- failures

        private void onUpstreamError(IOException e) {
            if (finished) {
                return;
            }
            if (!responseStarted && reused && exchange.isRequestComplete() && isIdempotent()) {
                // A kept-alive connection the member had already closed: try once more on a fresh one.
                LOG.debug("reused connection to {} failed, retrying on a new one: {}", member, e.toString());
                IoUtils.safeClose(connection);
                connection = null;
                connect();
                return;
            }
            LOG.debug("upstream {} failed: {}", member, e.toString());
            if (member != null) {
                member.onFailure();
            }
            fail(UpstreamFailure.BROKEN_RESPONSE);
        }

        /** Starts (or restarts) the {@code response_timeout} clock. */
        private void armTimeout() {
            if (responseTimeoutMillis <= 0) {
                return;
            }
            cancelTimeout();
            timeout = exchange.getIoThread().executeAfter(this::onTimeout, responseTimeoutMillis,
                    TimeUnit.MILLISECONDS);
        }

        private void onTimeout() {
            timeout = null;
            if (finished || responseStarted) {
                return;
            }
            if (member != null) {
                member.onFailure();
            }
            fail(UpstreamFailure.TIMEOUT);
        }

        private void fail(UpstreamFailure failure) {
            finished = true;
            cancelTimeout();
            IoUtils.safeClose(connection);
            exchange.putAttachment(FAILURE, failure);
            if (exchange.isResponseStarted()) {
                IoUtils.safeClose(exchange.getConnection());
            } else {
                exchange.setPersistent(exchange.isPersistent() && exchange.isRequestComplete());
                ErrorReply.send(exchange, failure.status(), failure.message());
            }
        }

        private ChannelExceptionHandler<Channel> clientReadFailed() {
            return (channel, e) -> {
                // The client went away or sent a broken body: the member must not see a complete request.
                finished = true;
                IoUtils.safeClose(connection);
                IoUtils.safeClose(exchange.getConnection());
            };
        }

        private ChannelExceptionHandler<Channel> upstreamWriteFailed() {
            return (channel, e) -> onUpstreamError(e);
        }

        private ChannelExceptionHandler<Channel> upstreamReadFailed() {
            return (channel, e) -> {
                finished = true;
                if (member != null) {
                    member.onFailure();
                }
                IoUtils.safeClose(connection);
                IoUtils.safeClose(exchange.getConnection()); // the response is cut short: say so by closing
            };
        }

        private ChannelExceptionHandler<Channel> clientWriteFailed() {
            return (channel, e) -> {
                finished = true;
                IoUtils.safeClose(connection);
                IoUtils.safeClose(exchange.getConnection());
            };
        }

        // ---- completion

        @Override
        public void exchangeEvent(HttpServerExchange ex, NextListener nextListener) {
            try {
                cancelTimeout();
                MemberState m = member;
                if (m != null) {
                    m.onRequestEnd();
                }
                ClientConnection c = connection;
                if (c != null && !upgraded) {
                    if (!finished && requestDone && responseDone && c.isOpen()) {
                        m.pool(ex.getIoThread().getNumber()).offer(c);
                    } else {
                        IoUtils.safeClose(c);
                    }
                }
                finished = true;
            } finally {
                nextListener.proceed();
            }
        }

        private void cancelTimeout() {
            XnioExecutor.Key key = timeout;
            if (key != null) {
                timeout = null;
                key.remove();
            }
        }

        // ---- small parts

        private boolean isIdempotent() {
            var method = exchange.getRequestMethod();
            return method.equals(Methods.GET) || method.equals(Methods.HEAD) || method.equals(Methods.OPTIONS)
                    || method.equals(Methods.PUT) || method.equals(Methods.DELETE) || method.equals(Methods.TRACE);
        }

        private String clientIp() {
            String ip = ClientAddress.ip(exchange);
            return ip == null ? "unknown" : ip;
        }

        private String viaVersion() {
            HttpString protocol = exchange.getProtocol();
            if (protocol.equals(Protocols.HTTP_1_1)) {
                return "1.1";
            }
            if (protocol.equals(Protocols.HTTP_1_0)) {
                return "1.0";
            }
            String text = protocol.toString();
            return text.startsWith("HTTP/") ? text.substring(5) : text;
        }

        @Override
        public boolean contains(MemberState m) {
            for (int i = 0; i < triedCount; i++) {
                if (tried[i] == m) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public InetAddress clientAddress() {
            InetSocketAddress peer = exchange.getSourceAddress();
            return peer == null ? null : peer.getAddress();
        }

        @Override
        public String hashSource() {
            return exchange.getRequestURI();
        }
    }

    /** Ends the writes on a sink and flushes, running {@code done} once everything is out. */
    static void finishWrites(StreamSinkChannel sink, Runnable done) {
        try {
            sink.shutdownWrites();
            if (sink.flush()) {
                sink.getWriteSetter().set(null);
                done.run();
                return;
            }
            sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                    flushed -> {
                        flushed.suspendWrites();
                        flushed.getWriteSetter().set(null);
                        done.run();
                    },
                    ChannelListeners.closingChannelExceptionHandler()));
            sink.resumeWrites();
        } catch (IOException e) {
            IoUtils.safeClose(sink);
        }
    }

    private static ChannelListener<StreamSinkChannel> shutdownThenClose() {
        return ChannelListeners.writeShutdownChannelListener(
                ChannelListeners.<StreamSinkChannel>flushingChannelListener(ChannelListeners.closingChannelListener(),
                        ChannelListeners.closingChannelExceptionHandler()),
                ChannelListeners.closingChannelExceptionHandler());
    }
}
