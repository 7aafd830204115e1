package io.gatehouse.routing;

import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Picks the virtual host by the {@code Host} header, then the route by the longest path prefix, and
 * hands the exchange to that route's chain with a {@link RoutedRequest} attached. A path that cannot
 * be read one way only (bad escapes, climbing above the root) is refused with 400.
 */
public final class RoutingHandler implements HttpHandler {
    private final HostRouter<RouteTable<HttpHandler>> hosts;

    public RoutingHandler(HostRouter<RouteTable<HttpHandler>> hosts) {
        this.hosts = hosts;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        RequestPath path;
        try {
            path = RequestPath.parse(exchange.getRequestPath());
        } catch (BadPathException e) {
            ErrorReply.send(exchange, 400, "bad request: " + e.getMessage());
            return;
        }
        String host = HostHeader.hostName(exchange.getRequestHeaders().getFirst(Headers.HOST));
        RouteTable<HttpHandler> routes = hosts.resolve(host);
        if (routes == null) {
            ErrorReply.send(exchange, 404, "not found: no site serves host " + (host == null ? "(none)" : host));
            return;
        }
        RouteTable.Match<HttpHandler> match = routes.match(path.matchPath());
        if (match == null) {
            ErrorReply.send(exchange, 404, "not found: no route for " + path.matchPath());
            return;
        }
        exchange.putAttachment(RoutedRequest.KEY,
                new RoutedRequest(match.prefix(), path.matchPath(), path.forwardPath()));
        match.value().handleRequest(exchange);
    }
}
