package io.gatehouse.handler;

import io.gatehouse.routing.BadPathException;
import io.gatehouse.routing.RequestPath;
import io.gatehouse.routing.RouteTable;
import io.gatehouse.routing.RoutedRequest;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A real Undertow server on 127.0.0.1, port 0, with the few lines of routing the real chain will have:
 * parse the raw path, match the route, attach {@link RoutedRequest}, call the route's handler. Errors
 * sent with {@link ErrorReply} are rendered as {@code {"status":..,"error":..}}, as the JSON edge does.
 */
final class RoutedTestServer implements AutoCloseable {
    private final Undertow server;

    RoutedTestServer(RouteTable<HttpHandler> routes) {
        HttpHandler root = exchange -> {
            exchange.addDefaultResponseListener(RoutedTestServer::renderError);
            RequestPath path;
            try {
                path = RequestPath.parse(exchange.getRequestURI());
            } catch (BadPathException e) {
                ErrorReply.send(exchange, 400, e.getMessage());
                return;
            }
            RouteTable.Match<HttpHandler> match = routes.match(path.matchPath());
            if (match == null) {
                ErrorReply.send(exchange, 404, "no route");
                return;
            }
            exchange.putAttachment(RoutedRequest.KEY,
                    new RoutedRequest(match.prefix(), path.matchPath(), path.forwardPath()));
            match.value().handleRequest(exchange);
        };
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(4)
                .addHttpListener(0, "127.0.0.1")
                .setHandler(root)
                .build();
        server.start();
    }

    int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static boolean renderError(HttpServerExchange exchange) {
        ErrorReply reply = exchange.getAttachment(ErrorReply.KEY);
        if (reply == null || exchange.isResponseStarted()) {
            return false;
        }
        String json = "{\"status\":" + reply.status() + ",\"error\":\"" + reply.message().replace("\"", "'") + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
        return true;
    }

    @Override
    public void close() {
        server.stop();
    }
}
