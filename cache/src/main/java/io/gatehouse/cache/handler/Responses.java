package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.FieldList;
import io.gatehouse.cache.store.StoredResponse;
import io.gatehouse.handler.RequestIdHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Answers from the cache: a stored entry's status, fields and body with {@code Age} (RFC 9111 §5.1),
 * or the 304 a client's own conditional request gets (RFC 9110 §15.4.5). The body goes out as the
 * stored buffers themselves (duplicates, never a copy) through a {@link BodyReader}, on the exchange's
 * IO thread, under {@code send_timeout}. {@code X-Cache} is set by the caller.
 */
final class Responses {
    private Responses() {
    }

    /** Sends {@code entry} whole (only its head for a HEAD); a client that takes none of it for {@code sendTimeoutMs} is let go. */
    static void send(HttpServerExchange exchange, StoredResponse entry, long now, boolean headOnly, long sendTimeoutMs) {
        exchange.setStatusCode(entry.status());
        HeaderMap out = exchange.getResponseHeaders();
        Rules.forEachField(entry, (name, value) -> {
            if (!framing(name)) {
                out.add(name, value);
            }
        });
        out.put(Headers.CONTENT_LENGTH, entry.length());
        out.put(Headers.AGE, Rules.ageSeconds(entry, now));
        if (headOnly || entry.length() == 0) {
            exchange.endExchange();
            return;
        }
        new BodyReader(exchange, GrowingBody.whole(entry.body()), sendTimeoutMs).start();
    }

    /** A 304 for a client whose conditions the stored entry meets. */
    static void notModified(HttpServerExchange exchange, StoredResponse entry, long now) {
        exchange.setStatusCode(304);
        HeaderMap out = exchange.getResponseHeaders();
        Rules.notModifiedFields(entry).forEach((name, value) -> out.add(Rules.name(name), value));
        out.put(Headers.AGE, Rules.ageSeconds(entry, now));
        exchange.endExchange();
    }

    /** The head of an answer still streaming in (a collapsed request): its fields, the length when known. */
    static void head(HttpServerExchange exchange, int status, FieldList fields, long length, long age) {
        exchange.setStatusCode(status);
        HeaderMap out = exchange.getResponseHeaders();
        fields.forEach((name, value) -> {
            HttpString n = Rules.name(name);
            if (!framing(n)) {
                out.add(n, value);
            }
        });
        if (length >= 0) {
            out.put(Headers.CONTENT_LENGTH, length);
        }
        out.put(Headers.AGE, age);
    }

    /** Clears what the proxy set from a member's head, keeping Gatehouse's own fields ({@code X-Request-ID}). */
    static void clear(HttpServerExchange exchange) {
        HeaderMap out = exchange.getResponseHeaders();
        String id = out.getFirst(RequestIdHandler.X_REQUEST_ID);
        out.clear();
        if (id != null) {
            out.put(RequestIdHandler.X_REQUEST_ID, id);
        }
    }

    private static boolean framing(HttpString name) {
        return name.equals(Headers.CONTENT_LENGTH) || name.equals(Headers.TRANSFER_ENCODING) || name.equals(Headers.AGE);
    }
}
