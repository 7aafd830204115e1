package io.undertow.server.handlers;

import io.gatehouse.server.HostCheck;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;

/**
 * Gatehouse's build of the class Undertow's HTTP/1.1 read listener wraps around every request's root
 * handler: the same public face and the same answers (a 400 with Undertow's reason phrase and
 * {@code Connection: close}), with the checks done by {@link HostCheck} instead of a regular expression
 * per request. The runnable jar carries this class in place of Undertow's (admin-console's shade
 * filter); {@code HostHeaderHandlerReplacementTest} holds it to Undertow's own on the same requests over
 * real sockets and fails when the Undertow on the class path brings a different one.
 */
public class HostHeaderHandler implements HttpHandler {
    public static final HandlerWrapper WRAPPER = HostHeaderHandler::new;
    public static final String STATUS_NO_HOST_HEADER = HostCheck.NO_HOST;
    public static final String STATUS_TOO_MANY_HOST_HEADERS = HostCheck.TOO_MANY;
    public static final String STATUS_MALFORMED_PORT = HostCheck.MALFORMED_PORT;
    public static final String STATUS_MALFORMED_IP_LITERAL = HostCheck.MALFORMED_IP_LITERAL;
    public static final String STATUS_MALFORMED_IP_LITERAL_BAD_CHARS = HostCheck.BAD_CHARACTERS;
    public static final String STATUS_HOST_NO_MATCH = HostCheck.NO_MATCH;

    private final HttpHandler next;

    public HostHeaderHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderValues hosts = exchange.getRequestHeaders().get(Headers.HOST);
        if (hosts == null && oldProtocol(exchange.getProtocol())) {
            next.handleRequest(exchange); // HTTP/1.0 and 0.9 need no Host
            return;
        }
        if (hosts == null || hosts.isEmpty()) {
            refuse(exchange, HostCheck.NO_HOST);
            return;
        }
        if (hosts.size() > 1) {
            refuse(exchange, HostCheck.TOO_MANY);
            return;
        }
        String host = hosts.getFirst();
        String problem = HostCheck.problem(host);
        if (problem == null && exchange.isHostIncludedInRequestURI()) {
            String name = host.substring(0, HostCheck.nameEnd(host));
            if (name.isEmpty() || !exchange.getRequestURI().contains(name)) {
                problem = HostCheck.NO_MATCH;
            }
        }
        if (problem != null) {
            refuse(exchange, problem);
            return;
        }
        next.handleRequest(exchange);
    }

    private static boolean oldProtocol(HttpString protocol) {
        return protocol.equals(Protocols.HTTP_1_0) || protocol.equals(Protocols.HTTP_0_9);
    }

    private static void refuse(HttpServerExchange exchange, String reason) {
        exchange.setStatusCode(400);
        exchange.setResponseContentLength(0);
        exchange.getResponseHeaders().add(Headers.CONNECTION, Headers.CLOSE.toString());
        exchange.setReasonPhrase(reason);
        exchange.endExchange();
    }
}
