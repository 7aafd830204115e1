package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.ByteRanges;
import io.gatehouse.cache.policy.FieldList;
import io.gatehouse.cache.store.StoredResponse;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.handler.RequestIdHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;

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
        storedHead(exchange, entry.status(), entry, entry.length(), now);
        if (headOnly || entry.length() == 0) {
            exchange.endExchange();
            return;
        }
        new BodyReader(exchange, GrowingBody.whole(entry.body()), sendTimeoutMs).start();
    }

    /**
     * Sends part of {@code entry} (a 206, RFC 9110 §15.3.7): its fields, {@code Content-Range} and the part's
     * bytes, as slices of the stored buffers.
     */
    static void sendPart(HttpServerExchange exchange, StoredResponse entry, ByteRanges.Part part, long now,
                         long sendTimeoutMs) {
        storedHead(exchange, 206, entry, part.size(), now);
        exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, part.contentRange());
        new BodyReader(exchange, GrowingBody.whole(slice(entry.body(), part.first(), part.size())), sendTimeoutMs)
                .start();
    }

    /** The head of an answer from {@code entry}: {@code status}, its stored fields, {@code Content-Length}, {@code Age}. */
    private static void storedHead(HttpServerExchange exchange, int status, StoredResponse entry, long length, long now) {
        exchange.setStatusCode(status);
        HeaderMap out = exchange.getResponseHeaders();
        Rules.forEachField(entry, (name, value) -> {
            if (!framing(name)) {
                out.add(name, value);
            }
        });
        out.put(Headers.CONTENT_LENGTH, length);
        out.put(Headers.AGE, Rules.ageSeconds(entry, now));
    }

    /** A 416 for a range that no byte of the stored body is in (RFC 9110 §15.5.17), with the body's length. */
    static void unsatisfiable(HttpServerExchange exchange, ByteRanges.Unsatisfiable none) {
        exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, none.contentRange());
        ErrorReply.send(exchange, 416, "the range asked for is outside the stored answer's " + none.length() + " bytes");
    }

    /** The {@code size} bytes from {@code from} of {@code buffers}, as read-only views of them (nothing copied). */
    static ByteBuffer[] slice(ByteBuffer[] buffers, long from, long size) {
        java.util.List<ByteBuffer> part = new java.util.ArrayList<>(2);
        long skip = from;
        long left = size;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            if (skip >= n) {
                skip -= n;
                continue;
            }
            int start = b.position() + (int) skip;
            int take = (int) Math.min(n - skip, left);
            part.add(b.duplicate().limit(start + take).position(start));
            skip = 0;
            left -= take;
            if (left == 0) {
                break;
            }
        }
        return part.toArray(new ByteBuffer[0]);
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
