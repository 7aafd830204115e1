package io.gatehouse.upstream.balance;

import io.gatehouse.config.model.HashKey;
import io.undertow.server.HttpServerExchange;

/** Hashes the parts of a client request that {@code hash_key} can name, for {@link RequestKey#hash}. */
public final class RequestHashes {
    private RequestHashes() {
    }

    /** The hash of {@code exchange}'s part named by {@code key}, or {@link RequestKey#NO_KEY}. */
    public static long of(HttpServerExchange exchange, HashKey key) {
        return RequestKey.NO_KEY;
    }
}
