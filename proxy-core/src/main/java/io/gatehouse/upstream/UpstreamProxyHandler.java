package io.gatehouse.upstream;

import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.routing.RoutedRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.SameThreadExecutor;

/**
 * Proxies a request to a member of a cluster, streaming both bodies without buffering them, on the
 * IO thread of the client's exchange ({@link ClientProxy} is one such trip, over a {@link MemberExchange}).
 * Keep-alive connections to members are reused from a pool per IO thread. A member that refuses the connection is left for
 * another member; when none answers the client gets 502, when the answer does not start within
 * {@code response_timeout} 504, and when the cluster has nothing usable 503 — each as a JSON body
 * through {@link ErrorReply}.
 */
public final class UpstreamProxyHandler implements HttpHandler {
    /** Set on the exchange when an upstream exchange failed, for logs and metrics. */
    public static final AttachmentKey<UpstreamFailure> FAILURE = AttachmentKey.create(UpstreamFailure.class);

    private final UpstreamCluster cluster;
    private final UpstreamConnector connector;
    private final ProxyTimeouts timeouts;
    private final String basePath;
    private final IdentityHeaders identity;
    /** True when the cluster names {@code roles}: only then can a verified user be attached to look for. */
    private final boolean carriesIdentity;

    /**
     * @param basePath "" to pass the path unchanged; otherwise it replaces the matched route prefix
     */
    public UpstreamProxyHandler(UpstreamCluster cluster, UpstreamConnector connector, ProxyTimeouts timeouts,
                                String basePath) {
        this(cluster, connector, timeouts, basePath, IdentityHeaders.DEFAULT);
    }

    /**
     * @param basePath "" to pass the path unchanged; otherwise it replaces the matched route prefix
     * @param identity the site's identity field names (never taken from the client)
     */
    public UpstreamProxyHandler(UpstreamCluster cluster, UpstreamConnector connector, ProxyTimeouts timeouts,
                                String basePath, IdentityHeaders identity) {
        this.cluster = cluster;
        this.connector = connector;
        this.timeouts = timeouts;
        this.basePath = basePath;
        this.identity = identity;
        this.carriesIdentity = !cluster.spec().roles().isEmpty();
    }

    IdentityHeaders identity() {
        return identity;
    }

    /** Who the auth stage verified for this exchange, or null; no lookup on a route without {@code roles}. */
    AuthenticatedUser user(HttpServerExchange exchange) {
        return carriesIdentity ? exchange.getAttachment(AuthenticatedUser.KEY) : null;
    }

    public UpstreamCluster cluster() {
        return cluster;
    }

    UpstreamConnector connector() {
        return connector;
    }

    ProxyTimeouts timeouts() {
        return timeouts;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        ClientProxy px = new ClientProxy(this, exchange);
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
