package io.gatehouse.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Answers every request on a {@code redirect_http} port with {@code 301} to the same host, path and
 * query over HTTPS on the site's TLS port, as nginx's {@code return 301 https://$host$request_uri}.
 * The host is the request's {@code Host} without its port (an IPv6 literal keeps its brackets), or the
 * listener's address when the request names none.
 */
final class HttpsRedirectHandler implements HttpHandler {
    private final String fallbackHost;
    private final String portSuffix;

    /**
     * @param fallbackHost the host for a request without {@code Host} (the TLS listener's address)
     * @param tlsPort      the TLS listener's port; 443 is left out of the location
     */
    HttpsRedirectHandler(String fallbackHost, int tlsPort) {
        this.fallbackHost = fallbackHost.indexOf(':') >= 0 && !fallbackHost.startsWith("[")
                ? "[" + fallbackHost + "]" : fallbackHost;
        this.portSuffix = tlsPort == 443 ? "" : ":" + tlsPort;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setStatusCode(301);
        exchange.getResponseHeaders().put(Headers.LOCATION, location(exchange.getRequestHeaders().getFirst(Headers.HOST),
                exchange.getRequestURI(), exchange.getQueryString()));
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        exchange.endExchange();
    }

    String location(String hostHeader, String requestUri, String query) {
        String host = hostOnly(hostHeader);
        if (host == null || host.isEmpty()) {
            host = fallbackHost;
        }
        StringBuilder to = new StringBuilder(16 + host.length() + requestUri.length());
        to.append("https://").append(host).append(portSuffix);
        String path = requestUri;
        if (path.isEmpty() || path.charAt(0) != '/') {
            // absolute-form target: keep only its path
            int scheme = path.indexOf("://");
            int slash = scheme < 0 ? -1 : path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        to.append(path);
        if (query != null && !query.isEmpty()) {
            to.append('?').append(query);
        }
        return to.toString();
    }

    private static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String value = hostHeader.strip();
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close < 0 ? null : value.substring(0, close + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }
}
