package io.gatehouse.server.edge;

import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.util.Objects;

/**
 * Answers the requests the edge refused: a request carrying {@value StrictFramingConduit#MARKER_HEADER_NAME}
 * is the synthetic stand-in {@link StrictFramingConduit} put in place of a request whose framing was
 * ambiguous; it ends here with the marker's status and reason (rendered by the error handler) and the
 * connection closes. Every other request goes to {@code next}.
 *
 * <p>It also keeps the promise the scanner relies on for protocol switches: the scanner reads the
 * bytes after a request that asks for one ({@code Upgrade}) as an opaque tunnel, so unless that request
 * is answered {@code 101 Switching Protocols}, its connection closes after the answer, whatever
 * answered it (a member, a file, a fixed answer, an error). Nothing sent behind a refused switch is
 * ever read as a request.
 *
 * <p>Place it before anything that routes or forwards. Clients cannot forge the marker on a
 * connection with the conduit installed (the conduit refuses such requests); where it is missing, a
 * forged marker can only make the sender's own request fail.
 */
public final class EdgeRejectionHandler implements HttpHandler {

    private final HttpHandler next;
    private final EdgeRefusals refusals;

    /** Refusals are counted where nothing reads them. */
    public EdgeRejectionHandler(HttpHandler next) {
        this(next, new EdgeRefusals());
    }

    /** @param refusals counts each refusal answered here, by reason */
    public EdgeRejectionHandler(HttpHandler next, EdgeRefusals refusals) {
        this.next = Objects.requireNonNull(next, "next");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    private static final ResponseCommitListener CLOSE_UNLESS_SWITCHED = exchange -> {
        if (exchange.getStatusCode() != StatusCodes.SWITCHING_PROTOCOLS) {
            exchange.setPersistent(false);
        }
    };

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String marker = exchange.getRequestHeaders().getFirst(StrictFramingConduit.MARKER_HEADER);
        if (marker == null) {
            if (exchange.getRequestHeaders().contains(Headers.UPGRADE)) {
                exchange.addResponseCommitListener(CLOSE_UNLESS_SWITCHED);
            }
            next.handleRequest(exchange);
            return;
        }
        exchange.getRequestHeaders().remove(StrictFramingConduit.MARKER_HEADER);
        received(exchange, marker);
        exchange.setPersistent(false);
        String reason = reason(marker);
        refusals.refused(reason);
        ErrorReply.send(exchange, status(marker), reason);
    }

    /**
     * Puts the refused request's method, target and Host back on the exchange, as they were received,
     * so that its log line shows what came and not the stand-in's {@code GET /} and placeholder Host;
     * with no Host worth keeping (none, or the Host was the problem) the log names the listener. A
     * {@code HEAD} so restored also keeps the body off the answer, as it should.
     */
    private static void received(HttpServerExchange exchange, String marker) {
        String method = Marker.method(marker);
        String target = Marker.target(marker);
        String host = Marker.host(marker);
        if (host == null || host.isEmpty()) {
            exchange.getRequestHeaders().remove(Headers.HOST);
        } else {
            exchange.getRequestHeaders().put(Headers.HOST, host);
        }
        if (method != null) {
            exchange.setRequestMethod(method.isEmpty() ? EMPTY : HttpString.tryFromString(method));
        }
        if (target != null) {
            exchange.setRequestURI(target);
            exchange.setQueryString("");
        }
    }

    private static final HttpString EMPTY = new HttpString("");

    /** {@code "<status> <reason>..."}: the status if it is 400..599, else 400. */
    static int status(String marker) {
        return Marker.status(marker);
    }

    static String reason(String marker) {
        return Marker.reason(marker);
    }
}
