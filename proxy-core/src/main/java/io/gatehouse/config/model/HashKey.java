package io.gatehouse.config.model;

import java.util.Locale;
import java.util.Objects;

/**
 * {@code hash_key}: what {@code consistent_hash} hashes a request by.
 *
 * @param kind what part of the request
 * @param name the header or cookie name for {@link Kind#HEADER} and {@link Kind#COOKIE}, else empty
 */
public record HashKey(Kind kind, String name) {
    /** The parts of a request a hash key can be. */
    public enum Kind {
        /** The client's address (after {@code X-Forwarded-For} is resolved, when it is trusted). */
        CLIENT,
        /** The path, without the query. */
        PATH,
        /** The path and the query, as received. */
        URI,
        /** One request header's value. */
        HEADER,
        /** One cookie's value. */
        COOKIE
    }

    /** {@code hash_key}'s default: the request URI, as nginx's {@code hash $request_uri consistent}. */
    public static final HashKey URI_KEY = new HashKey(Kind.URI, "");

    public HashKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if ((kind == Kind.HEADER || kind == Kind.COOKIE) == name.isEmpty()) {
            throw new IllegalArgumentException("hash_key " + kind + " with name \"" + name + "\"");
        }
    }

    /** As written in the configuration: {@code uri}, {@code header:X-User}. */
    @Override
    public String toString() {
        String k = kind.name().toLowerCase(Locale.ROOT);
        return name.isEmpty() ? k : k + ":" + name;
    }
}
