package io.gatehouse.server.h2;

import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;
import java.util.Objects;

/**
 * Refuses, with a 400 and the JSON error body, a request that came over HTTP/2 and would not be a sound
 * HTTP/1.1 request once sent on to a member ({@link Http2RequestRules}): nothing of it reaches a member.
 * A request that came over HTTP/1.1 costs one comparison of its protocol; the HTTP/1.1 edge has checked
 * it already. A {@code content-length} the DATA frames contradict later is the upload's to catch; an
 * {@code :authority} that disagrees with {@code Host} is marked below Undertow by a {@link StrictHttp2Channel}.
 *
 * <p>A request that passes has its {@code cookie} fields joined into one, as RFC 9113 §8.2.3 asks of a
 * hop to HTTP/1.1 (HTTP/2 clients may send each cookie as a field of its own; an HTTP/1.1 member reads
 * one {@code Cookie} line, often only the first).
 */
public final class Http2RequestCheck implements HttpHandler {
    private final HttpHandler next;

    public Http2RequestCheck(HttpHandler next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getProtocol().equals(Protocols.HTTP_2_0)) {
            next.handleRequest(exchange);
            return;
        }
        String marked = exchange.getRequestHeaders().getFirst(StrictHttp2Channel.MARKER);
        if (marked != null) {
            exchange.getRequestHeaders().remove(StrictHttp2Channel.MARKER);
            ErrorReply.send(exchange, StatusCodes.BAD_REQUEST, violation(marked).reason());
            return;
        }
        Http2Violation violation = Http2RequestRules.check(exchange.getRequestMethod(), exchange.getRequestScheme(),
                exchange.getConnection().getSslSessionInfo() != null, exchange.getRequestURI(),
                exchange.getQueryString(), exchange.getRequestHeaders(), exchange.isRequestComplete());
        if (violation == null) {
            HeaderValues cookies = exchange.getRequestHeaders().get(Headers.COOKIE);
            if (cookies != null && cookies.size() > 1) {
                exchange.getRequestHeaders().put(Headers.COOKIE, String.join("; ", cookies));
            }
            next.handleRequest(exchange);
            return;
        }
        ErrorReply.send(exchange, StatusCodes.BAD_REQUEST, violation.reason());
    }

    /** What a {@link StrictHttp2Channel} marked; a forged mark that names nothing is refused all the same. */
    private static Http2Violation violation(String marked) {
        try {
            return Http2Violation.valueOf(marked);
        } catch (IllegalArgumentException e) {
            return Http2Violation.AUTHORITY_HOST_MISMATCH;
        }
    }
}
