package io.gatehouse.handler;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.undertow.server.HttpHandler;
import org.junit.jupiter.api.Test;

/** Without {@code max_body_size} there is no limit and nothing in the chain: a feature not configured costs nothing. */
class BodyLimitHandlerTest {
    private final HttpHandler next = exchange -> { };

    @Test
    void noLimitAddsNothingToTheChain() {
        assertSame(next, BodyLimitHandler.wrap(0, next));
        assertNotSame(next, BodyLimitHandler.wrap(1, next));
    }

    @Test
    void aNegativeLimitIsABug() {
        assertThrows(IllegalArgumentException.class, () -> BodyLimitHandler.wrap(-1, next));
    }
}
