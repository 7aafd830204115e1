package io.gatehouse.handler;

import io.gatehouse.config.model.RedirectTarget;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Sends every request on the route to a fixed location ({@code /old = redirect 301 https://new/}):
 * the configured status, {@code Location}, and a one-line text body naming the location (HEAD gets
 * the headers only). Runs on the IO thread.
 */
public final class RedirectHandler implements HttpHandler {
    private final int status;
    private final String location;
    private final byte[] body;

    public RedirectHandler(RedirectTarget target) {
        Objects.requireNonNull(target, "target");
        this.status = target.status();
        this.location = target.location();
        this.body = bodyFor(location);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        send(exchange, status, location, body);
    }

    /** Ends the exchange with a redirect; also used for the slash a directory request needs. */
    static void send(HttpServerExchange exchange, int status, String location) {
        send(exchange, status, location, bodyFor(location));
    }

    private static void send(HttpServerExchange exchange, int status, String location, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, FixedResponseHandler.TEXT_PLAIN);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        if (Methods.HEAD.equals(exchange.getRequestMethod())) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static byte[] bodyFor(String location) {
        return ("Redirecting to " + location + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
