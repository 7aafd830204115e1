package io.gatehouse.handler;

import io.gatehouse.json.Json;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;

/**
 * The one edge where failures become bodies: an exchange that ends with an {@link ErrorReply} (or an
 * unexpected exception) gets {@code {"status":..,"error":..,"request_id":..}} as
 * {@code application/json}. Responses relayed from an upstream are never touched.
 */
public final class JsonErrorHandler implements HttpHandler {
    private final HttpHandler next;

    public JsonErrorHandler(HttpHandler next) {
        this.next = next;
    }

    private static final DefaultResponseListener RENDER = JsonErrorHandler::render;

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addDefaultResponseListener(RENDER);
        next.handleRequest(exchange);
    }

    private static boolean render(HttpServerExchange exchange) {
        if (exchange.isResponseStarted()) {
            return false;
        }
        ErrorReply reply = exchange.getAttachment(ErrorReply.KEY);
        String message;
        if (reply != null) {
            message = reply.message();
        } else if (exchange.getAttachment(DefaultResponseListener.EXCEPTION) != null
                || exchange.getStatusCode() == StatusCodes.INTERNAL_SERVER_ERROR) {
            exchange.setStatusCode(StatusCodes.INTERNAL_SERVER_ERROR);
            message = "internal error";
        } else {
            return false;
        }
        RequestIds ids = exchange.getAttachment(RequestIds.KEY);
        String body = body(exchange.getStatusCode(), message, ids == null ? null : ids.gtid());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
        return true;
    }

    /** The JSON error body. */
    public static String body(int status, String error, String requestId) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"status\":").append(status).append(",\"error\":");
        Json.string(sb, error);
        sb.append(",\"request_id\":");
        Json.string(sb, requestId);
        return sb.append("}\n").toString();
    }
}
