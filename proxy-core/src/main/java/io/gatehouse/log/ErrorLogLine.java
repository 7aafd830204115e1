package io.gatehouse.log;

import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The error log's line about a request that did not go as it should (a failed attempt with a member,
 * an answer cut short, a body over {@code max_body_size}), greppable by the request id that the
 * request log, the client and the member all have:
 * <pre>
 * GTID CLUSTER MEMBER "REQUEST LINE": WHAT HAPPENED; WHAT THE CLIENT GOT[; attempt N ms]
 * 9f86d081-2s @shop 10.0.0.11:5000 "GET /api/cart HTTP/1.1": connect() refused; trying the next member; attempt 1 ms
 * </pre>
 * {@code CLUSTER} is {@code @name}, or the URL of a route's single upstream; {@code MEMBER} is
 * {@code host:port}; either is {@code -} when there is none. The request line is escaped as the request log
 * escapes its fields (a space, a quote, a backslash, a control or non-ASCII character as {@code \xHH}
 * per UTF-8 byte), so a line never breaks and the fields before the colon never shift. Built only when a
 * line is written: never for a request that went well.
 */
public final class ErrorLogLine {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ErrorLogLine() {
    }

    /**
     * The line for {@code exchange}'s request.
     *
     * @param gtid    the request's global transaction id, or null
     * @param cluster the cluster's name as configured (a route's single upstream is named by its URL), or null
     * @param member  the member's {@code host:port}, or null
     * @param attemptNanos how long the attempt with the member took, or -1 to leave it out
     */
    public static String of(String gtid, HttpServerExchange exchange, String cluster, String member, String what,
                            String then, long attemptNanos) {
        String query = exchange.getQueryString();
        String target = query == null || query.isEmpty() ? exchange.getRequestURI() : exchange.getRequestURI() + "?" + query;
        return format(gtid == null ? "-" : gtid, cluster == null ? "-" : clusterLabel(cluster),
                member == null ? "-" : member, exchange.getRequestMethod().toString(), target,
                exchange.getProtocol().toString(), what, then, attemptNanos);
    }

    /** @param attemptNanos how long the attempt with the member took, or -1 to leave it out */
    static String format(String gtid, String cluster, String member, String method, String target, String protocol,
                         String what, String then, long attemptNanos) {
        StringBuilder b = new StringBuilder(160);
        escapeTo(gtid, b).append(' ').append(cluster).append(' ').append(member).append(" \"");
        escapeTo(method, b).append(' ');
        escapeTo(target, b).append(' ');
        escapeTo(protocol, b).append("\": ").append(what).append("; ").append(then);
        if (attemptNanos >= 0) {
            b.append("; attempt ").append(TimeUnit.NANOSECONDS.toMillis(attemptNanos)).append(" ms");
        }
        return b.toString();
    }

    /** {@code @shop} for a cluster, the URL itself for a route's single upstream ({@code http://10.0.0.7:8080}). */
    static String clusterLabel(String name) {
        return name.contains("://") ? name : "@" + name;
    }

    private static StringBuilder escapeTo(String value, StringBuilder b) {
        if (value == null || value.isEmpty()) {
            return b.append('-');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append(c);
            } else {
                boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1));
                // a lone surrogate has no UTF-8 form: U+FFFD, as in the request log
                String one = pair ? value.substring(i, i + 2) : Character.isSurrogate(c) ? "\uFFFD" : String.valueOf(c);
                for (byte x : one.getBytes(StandardCharsets.UTF_8)) {
                    b.append("\\x").append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
                }
                if (pair) {
                    i++;
                }
            }
        }
        return b;
    }
}
