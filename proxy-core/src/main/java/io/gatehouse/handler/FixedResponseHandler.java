package io.gatehouse.handler;

import io.gatehouse.config.model.FixedResponseTarget;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Answers every request on the route with a fixed status and plain-text body, as nginx's
 * {@code return 200 OK} does ({@code /hc = return 200 OK}); any method. HEAD gets the headers only;
 * 204 and 304 never carry a body. Runs on the IO thread.
 */
public final class FixedResponseHandler implements HttpHandler {
    static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private final int status;
    private final byte[] body;
    private final String contentLength;

    public FixedResponseHandler(FixedResponseTarget target) {
        Objects.requireNonNull(target, "target");
        this.status = target.status();
        this.body = target.text().getBytes(StandardCharsets.UTF_8);
        this.contentLength = Integer.toString(body.length);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setStatusCode(status);
        if (status == 204 || status == 304) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT_PLAIN);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, contentLength);
        if (Methods.HEAD.equals(exchange.getRequestMethod()) || body.length == 0) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
