package io.gatehouse.upstream;

import io.gatehouse.handler.ErrorReply;
import io.gatehouse.routing.RoutedRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.SameThreadExecutor;

/**
 * Proxies a request to a member of a cluster, streaming both bodies without buffering them, on the
 * IO thread of the client's exchange ({@link ProxyExchange} is one such trip). Keep-alive connections
 * to members are reused from a pool per IO thread. A member that refuses the connection is left for
 * another member; when none answers the client gets 502, when the answer does not start within
 * {@code response_timeout} 504, and when the cluster has nothing usable 503 — each as a JSON body
 * through {@link ErrorReply}.
 */
public final class UpstreamProxyHandler implements HttpHandler {
    /** Set on the exchange when an upstream exchange failed, for logs and metrics. */
    public static final AttachmentKey<UpstreamFailure> FAILURE = AttachmentKey.create(UpstreamFailure.class);

    private final UpstreamCluster cluster;
    private final UpstreamConnector connector;
    private final Timeouts timeouts;
    private final String basePath;

    /**
     * The site's limits on waiting, in milliseconds.
     *
     * @param response   {@code response_timeout}: the longest wait on the member at any step
     * @param send       {@code send_timeout}: the longest wait for the client to accept more of the answer
     * @param clientBody {@code client_body_timeout}: the longest pause in the client's request body
     */
    public record Timeouts(long response, long send, long clientBody) {
        public Timeouts {
            if (response <= 0 || send <= 0 || clientBody <= 0) {
                throw new IllegalArgumentException("timeouts: " + response + ", " + send + ", " + clientBody
                        + " ms (expected: > 0)");
            }
        }
    }

    /**
     * @param basePath "" to pass the path unchanged; otherwise it replaces the matched route prefix
     */
    public UpstreamProxyHandler(UpstreamCluster cluster, UpstreamConnector connector, Timeouts timeouts,
                                String basePath) {
        this.cluster = cluster;
        this.connector = connector;
        this.timeouts = timeouts;
        this.basePath = basePath;
    }

    public UpstreamCluster cluster() {
        return cluster;
    }

    UpstreamConnector connector() {
        return connector;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        ProxyExchange px = new ProxyExchange(this, exchange);
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
}
