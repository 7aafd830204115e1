package io.gatehouse.routing;

import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Picks the virtual host by the {@code Host} header, then the route by the longest path prefix, and
 * hands the exchange to that route's chain with a {@link RoutedRequest} attached. A path that cannot
 * be read one way only is refused with 400: bad escapes, climbing above the root, or a path a member
 * could read as another route ({@link PathReadings}).
 *
 * <p>It routes on the request target as received (Undertow's own request path has {@code ;} path
 * parameters cut out), so the path it decides on is the path the member gets.
 */
public final class RoutingHandler implements HttpHandler {
    private final HostRouter<RouteTable<HttpHandler>> hosts;
    /**
     * The last {@code Host} value routed and what it gave. Most requests name the host the one before
     * named, so an equal value skips reading it again (and the copy of its name without the port) and
     * the virtual-host lookup. A plain field: an event loop may read a value another wrote, and a
     * record is always seen whole, so at worst it reads the host again.
     */
    private LastHost last;

    /** A {@code Host} value, the name it gives ({@link HostHeader#hostName}) and that name's routes. */
    private record LastHost(String header, String host, RouteTable<HttpHandler> routes) {
    }

    public RoutingHandler(HostRouter<RouteTable<HttpHandler>> hosts) {
        this.hosts = hosts;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        RequestPath path;
        try {
            path = RequestPath.parse(receivedPath(exchange));
        } catch (BadPathException e) {
            ErrorReply.send(exchange, 400, "bad request: " + e.getMessage());
            return;
        }
        String header = exchange.getRequestHeaders().getFirst(Headers.HOST);
        LastHost seen = last;
        if (seen == null || header == null || !header.equals(seen.header)) {
            String name = HostHeader.hostName(header);
            seen = new LastHost(header, name, hosts.resolve(name));
            if (header != null) {
                last = seen;
            }
        }
        String host = seen.host;
        RouteTable<HttpHandler> routes = seen.routes;
        if (routes == null) {
            ErrorReply.send(exchange, 404, "not found: no site serves host " + (host == null ? "(none)" : host));
            return;
        }
        RouteTable.Match<HttpHandler> match = routes.match(path.matchPath());
        if (match == null) {
            ErrorReply.send(exchange, 404, "not found: no route for " + path.matchPath());
            return;
        }
        if (path.otherReadings() != 0) {
            String conflict = PathReadings.conflict(path, routes, match);
            if (conflict != null) {
                ErrorReply.send(exchange, 400, "bad request: " + conflict);
                return;
            }
        }
        exchange.putAttachment(RoutedRequest.KEY,
                new RoutedRequest(match.prefix(), path.matchPath(), path.forwardPath()));
        match.value().handleRequest(exchange);
    }

    /**
     * The path of the request target as the client sent it, without the query: Undertow's request URI
     * (kept raw: URL decoding is off), without the scheme and authority of an absolute-form target.
     */
    static String receivedPath(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (!exchange.isHostIncludedInRequestURI()) {
            return uri;
        }
        int authority = uri.indexOf("://");
        int path = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
        return path < 0 ? "/" : uri.substring(path);
    }
}
