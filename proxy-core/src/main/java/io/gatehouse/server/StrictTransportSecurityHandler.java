package io.gatehouse.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/**
 * Tells browsers to use only HTTPS for the site ({@code hsts = SECONDS}): every answer of a route of a
 * TLS site gets {@code Strict-Transport-Security: max-age=N}, as nginx's
 * {@code add_header Strict-Transport-Security "max-age=N" always}. Never on plain HTTP (RFC 6797 §7.2):
 * only TLS sites' routes are wrapped, and only when {@code hsts} is set.
 */
public final class StrictTransportSecurityHandler implements HttpHandler {
    static final HttpString HEADER = new HttpString("Strict-Transport-Security");

    private final String value;
    private final HttpHandler next;

    public StrictTransportSecurityHandler(long maxAgeSeconds, HttpHandler next) {
        this.value = "max-age=" + maxAgeSeconds;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.getResponseHeaders().put(HEADER, value);
        next.handleRequest(exchange);
    }
}
