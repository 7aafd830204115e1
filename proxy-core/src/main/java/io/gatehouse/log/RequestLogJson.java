package io.gatehouse.log;

import io.gatehouse.json.Json;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The machine form of request-log records for scripts and the admin console: one JSON object per
 * record with the 17 fields in log order ({@code date, time, client, server, method, url, protocol,
 * status, bytes_recv, bytes_sent, gtid, ltid, user, token, user_agent, handling_ms, sending_ms}), then
 * {@code cluster}, {@code member}, {@code attempts}, {@code cache} (the response cache's status, null
 * when no cache saw the request) and {@code client_ip} (the client's address as {@code ips},
 * {@code X-Forwarded-For} and {@code ip_hash} used it: the socket peer's unless {@code trusted_proxies}
 * found the client behind a proxy), which the text line does not have.
 *
 * <p>Counts and durations are JSON numbers ({@code handling_ms} is {@code 4}, not {@code "4ms"});
 * {@code date} and {@code time} are the strings the log line shows; a missing value is {@code null}
 * rather than {@code "-"}. Strings are written by {@link Json}, the one JSON writer.
 */
public final class RequestLogJson {
    private RequestLogJson() {
    }

    /** One record as a JSON object. */
    public static String toJson(RequestLogRecord r) {
        StringBuilder out = new StringBuilder(512);
        appendTo(r, out);
        return out.toString();
    }

    /** The records as a JSON array of objects, in the list's order. */
    public static String toJsonArray(List<RequestLogRecord> records) {
        StringBuilder out = new StringBuilder(64 + 400 * records.size());
        out.append('[');
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendTo(records.get(i), out);
        }
        return out.append(']').toString();
    }

    /** Appends one record as a JSON object to {@code out}. */
    public static void appendTo(RequestLogRecord r, StringBuilder out) {
        LocalDateTime t = r.received();
        out.append("{\"date\":\"");
        appendYear(t.getYear(), out);
        out.append('.');
        pad2(t.getMonthValue(), out).append('.');
        pad2(t.getDayOfMonth(), out).append("\",\"time\":\"");
        pad2(t.getHour(), out).append(':');
        pad2(t.getMinute(), out).append(':');
        pad2(t.getSecond(), out).append('"');
        string("client", r.client(), out);
        string("server", r.server(), out);
        string("method", r.method(), out);
        string("url", r.url(), out);
        string("protocol", r.protocol(), out);
        out.append(",\"status\":").append(r.status());
        out.append(",\"bytes_recv\":").append(r.bytesRecv());
        out.append(",\"bytes_sent\":").append(r.bytesSent());
        string("gtid", r.gtid(), out);
        out.append(",\"ltid\":").append(r.ltid());
        string("user", r.user(), out);
        string("token", r.token(), out);
        string("user_agent", r.userAgent(), out);
        out.append(",\"handling_ms\":").append(r.handlingMs());
        out.append(",\"sending_ms\":").append(r.sendingMs());
        string("cluster", r.cluster(), out);
        string("member", r.member(), out);
        out.append(",\"attempts\":").append(r.attempts());
        string("cache", r.cache(), out);
        string("client_ip", r.clientIp(), out);
        out.append('}');
    }

    private static void appendYear(int year, StringBuilder out) {
        if (year >= 0 && year < 1000) {
            out.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        out.append(year);
    }

    private static StringBuilder pad2(int v, StringBuilder out) {
        return out.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static void string(String name, String v, StringBuilder out) {
        out.append(",\"").append(name).append("\":");
        Json.string(out, v == null || v.isEmpty() ? null : v);
    }
}
