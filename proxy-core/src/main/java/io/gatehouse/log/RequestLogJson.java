package io.gatehouse.log;

import java.time.LocalDateTime;
import java.util.List;

/**
 * The machine form of request-log records for scripts and the admin console: one JSON object per
 * record with the 17 fields in log order ({@code date, time, client, server, method, url, protocol,
 * status, bytes_recv, bytes_sent, gtid, ltid, user, token, user_agent, handling_ms, sending_ms}).
 *
 * <p>Counts and durations are JSON numbers ({@code handling_ms} is {@code 4}, not {@code "4ms"});
 * {@code date} and {@code time} are the strings the log line shows; a missing value is {@code null}
 * rather than {@code "-"}. Strings are escaped per RFC 8259, with U+2028, U+2029 and unpaired
 * surrogates also written as {@code \}{@code uXXXX} so the output is safe to embed in a script.
 */
public final class RequestLogJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

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
        if (v == null || v.isEmpty()) {
            out.append("null");
            return;
        }
        out.append('"');
        int n = v.length();
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(v.charAt(i + 1))) {
                        out.append(c).append(v.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
