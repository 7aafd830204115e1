package io.gatehouse.server.edge;

import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.util.Headers;
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

    public EdgeRejectionHandler(HttpHandler next) {
        this.next = Objects.requireNonNull(next, "next");
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
        exchange.setPersistent(false);
        ErrorReply.send(exchange, status(marker), reason(marker));
    }

    /** {@code "<status> <reason>"}: the status if it is 400..599, else 400. */
    static int status(String marker) {
        if (marker.length() >= 3) {
            int status = 0;
            for (int k = 0; k < 3; k++) {
                char c = marker.charAt(k);
                if (c < '0' || c > '9') {
                    return 400;
                }
                status = status * 10 + (c - '0');
            }
            if (status >= 400 && status <= 599 && (marker.length() == 3 || marker.charAt(3) == ' ')) {
                return status;
            }
        }
        return 400;
    }

    static String reason(String marker) {
        int space = marker.indexOf(' ');
        String reason = space < 0 ? "" : marker.substring(space + 1).trim();
        return reason.isEmpty() ? "request refused at the edge" : reason;
    }
}
