package io.gatehouse.log;

import io.undertow.server.HttpServerExchange;
import java.util.concurrent.TimeUnit;

/**
 * The error log's line about a request that did not go as it should (a failed attempt with a member,
 * an answer cut short, a body over {@code max_body_size}), greppable by the request id that the
 * request log, the client and the member all have:
 * <pre>
 * GTID CLUSTER MEMBER "REQUEST LINE": WHAT HAPPENED; WHAT THE CLIENT GOT[; attempt [K, ]N ms]
 * 9f86d081-2s @shop 10.0.0.11:5000 "GET /api/cart HTTP/1.1": connect() refused; trying the next member; attempt 1 ms
 * 9f86d081-2s @shop 10.0.0.12:5000 "GET /api/cart HTTP/1.1": upstream answered 503 (fail_on); 503 to the client; attempt 2, 4 ms
 * </pre>
 * {@code CLUSTER} is {@code @name}, or the URL of a route's single upstream; {@code MEMBER} is
 * {@code host:port} of the attempt the line is about (in the line that ended the request, its final
 * member); either is {@code -} when there is none. {@code K}, the attempt's number, is written from the
 * second attempt on, so a request's first attempt reads as it always did. The request line is read and escaped as
 * the request log's unquoted fields are ({@link RequestLogFormatter#plainField}: the bytes read as
 * UTF-8, then a space, a quote, a backslash, a control or non-ASCII character as {@code \xHH} per
 * byte), so both logs show a request the same way, a line never breaks and the fields before the
 * colon never shift. Built only when a
 * line is written: never for a request that went well.
 */
public final class ErrorLogLine {
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
        return of(gtid, exchange, cluster, member, what, then, 1, attemptNanos);
    }

    /**
     * As {@link #of(String, HttpServerExchange, String, String, String, String, long)}, about the request's
     * attempt number {@code attempt} (1 for the first).
     */
    public static String of(String gtid, HttpServerExchange exchange, String cluster, String member, String what,
                            String then, int attempt, long attemptNanos) {
        String query = exchange.getQueryString();
        String target = query == null || query.isEmpty() ? exchange.getRequestURI() : exchange.getRequestURI() + "?" + query;
        return format(gtid == null ? "-" : gtid, cluster == null ? "-" : clusterLabel(cluster),
                member == null ? "-" : member, exchange.getRequestMethod().toString(), target,
                exchange.getProtocol().toString(), what, then, attempt, attemptNanos);
    }

    /** @param attemptNanos how long the attempt with the member took, or -1 to leave it out */
    static String format(String gtid, String cluster, String member, String method, String target, String protocol,
                         String what, String then, long attemptNanos) {
        return format(gtid, cluster, member, method, target, protocol, what, then, 1, attemptNanos);
    }

    /**
     * @param attempt      the attempt's number in its request (written from 2 on)
     * @param attemptNanos how long the attempt with the member took, or -1 to leave it out
     */
    static String format(String gtid, String cluster, String member, String method, String target, String protocol,
                         String what, String then, int attempt, long attemptNanos) {
        StringBuilder b = new StringBuilder(160);
        escapeTo(gtid, b).append(' ').append(cluster).append(' ').append(member).append(" \"");
        escapeTo(method, b).append(' ');
        escapeTo(target, b).append(' ');
        escapeTo(protocol, b).append("\": ").append(what).append("; ").append(then);
        if (attemptNanos >= 0) {
            b.append("; attempt ");
            if (attempt > 1) {
                b.append(attempt).append(", ");
            }
            b.append(TimeUnit.NANOSECONDS.toMillis(attemptNanos)).append(" ms");
        }
        return b.toString();
    }

    /** {@code @shop} for a cluster, the URL itself for a route's single upstream ({@code http://10.0.0.7:8080}). */
    static String clusterLabel(String name) {
        return name.contains("://") ? name : "@" + name;
    }

    /** {@code value} as the request log writes an unquoted field: read as UTF-8, escaped the same way. */
    private static StringBuilder escapeTo(String value, StringBuilder b) {
        return b.append(RequestLogFormatter.plainField(value));
    }
}
