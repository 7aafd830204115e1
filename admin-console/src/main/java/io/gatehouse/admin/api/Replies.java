package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How the admin listener answers: JSON bodies, the error shape, and the security headers every answer carries. */
final class Replies {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JSON_TYPE = "application/json; charset=utf-8";
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " connect-src 'self'; frame-ancestors 'none'";

    private Replies() {
    }

    /** The headers of every answer: no framing, no sniffing, no referrer outside, no script from elsewhere. */
    static void securityHeaders(HttpServerExchange ex) {
        ex.getResponseHeaders()
                .put(new HttpString("Content-Security-Policy"), CSP)
                .put(new HttpString("X-Content-Type-Options"), "nosniff")
                .put(new HttpString("Referrer-Policy"), "same-origin")
                .put(new HttpString("X-Frame-Options"), "DENY")
                .put(new HttpString("Cross-Origin-Opener-Policy"), "same-origin")
                .put(new HttpString("Cross-Origin-Resource-Policy"), "same-origin")
                .put(Headers.CACHE_CONTROL, "no-store");
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static void json(HttpServerExchange ex, int status, JsonNode body) {
        json(ex, status, body.toString());
    }

    static void json(HttpServerExchange ex, int status, String body) {
        send(ex, status, JSON_TYPE, body);
    }

    static void send(HttpServerExchange ex, int status, String type, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        ex.getResponseSender().send(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code {"status":N,"error":"..."}}. */
    static void error(HttpServerExchange ex, int status, String message) {
        ObjectNode o = object();
        o.put("status", status);
        o.put("error", message);
        json(ex, status, o);
    }

    /** ISO-8601 UTC, to the second ({@code 2026-12-03T12:00:00Z}); null stays null. */
    static String iso(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Milliseconds as a number with a fraction, to the microsecond. */
    static double millis(java.time.Duration d) {
        return Math.round(d.toNanos() / 1000.0) / 1000.0;
    }
}
