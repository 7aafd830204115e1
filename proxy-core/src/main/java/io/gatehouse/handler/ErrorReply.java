package io.gatehouse.handler;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * An error answer waiting to be rendered. Handlers do not write error bodies themselves: they call
 * {@link #send} and {@code JsonErrorHandler}, the one edge where failures become bodies, renders
 * {@code {"status":..,"error":..,"request_id":..}}.
 */
public record ErrorReply(int status, String message) {
    public static final AttachmentKey<ErrorReply> KEY = AttachmentKey.create(ErrorReply.class);

    /** Ends the exchange with this status; the message becomes the JSON body's {@code error}. */
    public static void send(HttpServerExchange exchange, int status, String message) {
        exchange.putAttachment(KEY, new ErrorReply(status, message));
        exchange.setStatusCode(status);
        exchange.endExchange();
    }
}
