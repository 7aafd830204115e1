package io.gatehouse.cache.handler;

import io.gatehouse.spi.ResponseTap;
import io.gatehouse.upstream.Outcome;
import io.undertow.server.HttpServerExchange;
import java.nio.ByteBuffer;

/**
 * RFC 9111 §4.4: an unsafe request (POST, PUT, DELETE, PATCH ...) whose answer is not an error removes
 * what is stored for its URL and for the same-site {@code Location} and {@code Content-Location} the
 * answer names, as soon as the answer's head arrives. It only looks at the head.
 */
final class Invalidation implements ResponseTap {
    private final ResponseCacheHandler route;

    Invalidation(ResponseCacheHandler route) {
        this.route = route;
    }

    @Override
    public Next head(HttpServerExchange exchange, long bodyLength) {
        route.invalidateAfter(exchange);
        return Next.PASS;
    }

    @Override
    public void body(ByteBuffer bytes) {
    }

    @Override
    public void end() {
    }

    @Override
    public boolean failed(HttpServerExchange exchange, Outcome.Kind kind, boolean answerBegun) {
        return false;
    }
}
