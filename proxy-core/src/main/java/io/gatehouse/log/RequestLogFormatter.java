package io.gatehouse.log;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one request into its request-log line, the 17 fields of docs/logs.md separated by single
 * spaces, and reads such a line back.
 *
 * <p>Escaping makes every line printable ASCII that parses back into exactly 17 fields:
 * <ul>
 *   <li>a null or empty value prints {@code -};</li>
 *   <li>in an unquoted field, a space, {@code "}, {@code \}, a control character or any non-ASCII
 *       character is written as {@code \xHH}, one escape per UTF-8 byte ({@code \x20} for a space);</li>
 *   <li>the user agent (field 15) is always double quoted ({@code "-"} when there is none); inside the
 *       quotes {@code "} is {@code \"}, {@code \} is {@code \\}, and control characters and non-ASCII
 *       characters are {@code \xHH} per UTF-8 byte; spaces stay as they are.</li>
 * </ul>
 * A byte that came off the wire and was not valid UTF-8 ({@link WireText}: U+DC80..U+DCFF) is written
 * as that byte, {@code \xHH}; any other unpaired surrogate, which has no UTF-8 form, as U+FFFD.
 *
 * <p>{@link #formatTo} runs on the request-log writer thread for every request: it writes ASCII bytes
 * into the writer's reused {@link LineBuffer}, copies runs of plain characters in bulk, formats the date
 * and numbers by hand and allocates nothing.
 */
public final class RequestLogFormatter {
    /** Number of fields in a request-log line. */
    public static final int FIELD_COUNT = 17;

    /** Index (0-based) of the quoted user-agent field in {@link #parse}'s result. */
    static final int USER_AGENT_INDEX = 14;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** True for the characters an unquoted field may hold as they are: {@code !}..{@code ~} except {@code "} and {@code \}. */
    private static final boolean[] PLAIN = new boolean[128];
    /** True for the characters the quoted user agent may hold as they are: space..{@code ~} except {@code "} and {@code \}. */
    private static final boolean[] QUOTED_PLAIN = new boolean[128];

    static {
        for (int c = 0x20; c < 0x7F; c++) {
            QUOTED_PLAIN[c] = c != '"' && c != '\\';
            PLAIN[c] = QUOTED_PLAIN[c] && c != ' ';
        }
    }

    private RequestLogFormatter() {
    }

    /** The line for {@code r}, without a line break. */
    public static String format(RequestLogRecord r) {
        LineBuffer out = new LineBuffer(256);
        formatTo(r, out);
        return out.toString();
    }

    /** Appends the line for {@code r}, without a line break, to {@code out}. */
    static void formatTo(RequestLogRecord r, LineBuffer out) {
        LocalDateTime t = r.received();
        appendDate(t, out);
        out.put(' ');
        pad2(t.getHour(), out).put(':');
        pad2(t.getMinute(), out).put(':');
        pad2(t.getSecond(), out).put(' ');
        appendPlain(r.client(), out).put(' ');
        appendPlain(r.server(), out).put(' ');
        appendPlain(r.method(), out).put(' ');
        appendPlain(r.url(), out).put(' ');
        appendPlain(r.protocol(), out).put(' ');
        out.put(r.status()).put(' ');
        out.put(r.bytesRecv()).put(' ');
        out.put(r.bytesSent()).put(' ');
        appendPlain(r.gtid(), out).put(' ');
        out.put(r.ltid()).put(' ');
        appendPlain(r.user(), out).put(' ');
        appendPlain(r.token(), out).put(' ');
        appendQuoted(r.userAgent(), out).put(' ');
        out.put(r.handlingMs()).put("ms ");
        out.put(r.sendingMs()).put("ms");
    }

    private static void appendDate(LocalDateTime t, LineBuffer out) {
        int year = t.getYear();
        if (year >= 0 && year < 1000) {
            out.put(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        out.put(year).put('.');
        pad2(t.getMonthValue(), out).put('.');
        pad2(t.getDayOfMonth(), out);
    }

    private static LineBuffer pad2(int v, LineBuffer out) {
        return out.put((char) ('0' + v / 10)).put((char) ('0' + v % 10));
    }

    /**
     * {@code wire} (as Undertow hands request text over, one char per byte) as an unquoted field of the
     * request log writes it: read as UTF-8, then escaped, {@code -} when null or empty. For other logs
     * that quote a request (the error log), so that both show the same bytes the same way.
     */
    static String plainField(String wire) {
        String v = WireText.decode(wire);
        LineBuffer out = new LineBuffer(v == null ? 1 : v.length() + 16);
        return appendPlain(v, out).toString();
    }

    private static LineBuffer appendPlain(String v, LineBuffer out) {
        if (v == null || v.isEmpty()) {
            return out.put('-');
        }
        int n = v.length();
        int i = 0;
        while (i < n) {
            int start = i;
            while (i < n) {
                char c = v.charAt(i);
                if (c >= 128 || !PLAIN[c]) {
                    break;
                }
                i++;
            }
            out.put(v, start, i); // the common case: the whole value in one copy
            if (i < n) {
                i = appendEscaped(v, i, out);
            }
        }
        return out;
    }

    private static LineBuffer appendQuoted(String v, LineBuffer out) {
        if (v == null || v.isEmpty()) {
            return out.put("\"-\"");
        }
        out.put('"');
        int n = v.length();
        int i = 0;
        while (i < n) {
            int start = i;
            while (i < n) {
                char c = v.charAt(i);
                if (c >= 128 || !QUOTED_PLAIN[c]) {
                    break;
                }
                i++;
            }
            out.put(v, start, i);
            if (i < n) {
                char c = v.charAt(i);
                if (c == '"' || c == '\\') {
                    out.put('\\').put(c);
                    i++;
                } else {
                    i = appendEscaped(v, i, out);
                }
            }
        }
        return out.put('"');
    }

    /** Writes the character at {@code i} as {@code \xHH} per UTF-8 byte; returns the index after it. */
    private static int appendEscaped(String v, int i, LineBuffer out) {
        char c = v.charAt(i);
        if (c < 0x80) {
            hexByte(c, out);
            return i + 1;
        }
        if (c < 0x800) {
            hexByte(0xC0 | (c >> 6), out);
            hexByte(0x80 | (c & 0x3F), out);
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, v.charAt(i + 1));
                hexByte(0xF0 | (cp >> 18), out);
                hexByte(0x80 | ((cp >> 12) & 0x3F), out);
                hexByte(0x80 | ((cp >> 6) & 0x3F), out);
                hexByte(0x80 | (cp & 0x3F), out);
                return i + 2;
            }
            if (c >= WireText.FIRST_BYTE_ESCAPE && c <= WireText.LAST_BYTE_ESCAPE) {
                hexByte(c - 0xDC00, out); // a byte that was not UTF-8, as it came
                return i + 1;
            }
            c = '\uFFFD';
        }
        hexByte(0xE0 | (c >> 12), out);
        hexByte(0x80 | ((c >> 6) & 0x3F), out);
        hexByte(0x80 | (c & 0x3F), out);
        return i + 1;
    }

    private static void hexByte(int b, LineBuffer out) {
        out.put('\\').put('x').put(HEX[(b >> 4) & 0xF]).put(HEX[b & 0xF]);
    }

    /**
     * The 17 field values of {@code line}, unescaped, in log order; the user agent without its quotes.
     * A field that was null or empty reads as {@code -}. Numbers and durations are returned as written
     * ({@code 200}, {@code 4ms}).
     *
     * @throws IllegalArgumentException if {@code line} is not a request-log line; the message says why
     */
    public static List<String> parse(String line) {
        if (line == null) {
            throw new IllegalArgumentException("request-log line is null");
        }
        List<String> fields = new ArrayList<>(FIELD_COUNT);
        int n = line.length();
        int i = 0;
        while (true) {
            if (fields.size() == FIELD_COUNT) {
                throw bad(line, "more than " + FIELD_COUNT + " fields");
            }
            i = fields.size() == USER_AGENT_INDEX ? readQuoted(line, i, fields) : readPlain(line, i, fields);
            if (i == n) {
                break;
            }
            // readPlain/readQuoted stop only at a space or the end
            i++;
            if (i == n) {
                throw bad(line, "trailing space after field " + fields.size());
            }
        }
        if (fields.size() != FIELD_COUNT) {
            throw bad(line, "has " + fields.size() + " fields, expected " + FIELD_COUNT);
        }
        checkShape(line, fields);
        return fields;
    }

    private static int readPlain(String line, int start, List<String> fields) {
        int field = fields.size() + 1;
        int n = line.length();
        int i = start;
        boolean escaped = false;
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ') {
                break;
            }
            if (c == '\\') {
                escaped = true;
            } else if (c >= 128 || !PLAIN[c]) {
                throw bad(line, "field " + field + " has a raw " + describe(c) + " at column " + (i + 1));
            }
            i++;
        }
        if (i == start) {
            throw bad(line, "field " + field + " is empty (two spaces at column " + (start + 1) + "?)");
        }
        fields.add(escaped ? unescape(line, start, i, field) : line.substring(start, i));
        return i;
    }

    private static int readQuoted(String line, int start, List<String> fields) {
        int field = fields.size() + 1;
        int n = line.length();
        if (start >= n || line.charAt(start) != '"') {
            throw bad(line, "field " + field + " (user agent) must start with a double quote at column " + (start + 1));
        }
        int i = start + 1;
        boolean escaped = false;
        while (true) {
            if (i >= n) {
                throw bad(line, "field " + field + " (user agent) has no closing double quote");
            }
            char c = line.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                escaped = true;
                i += 2; // the escaped character cannot close the quote; unescape checks the sequence
                continue;
            }
            if (c >= 128 || !QUOTED_PLAIN[c]) {
                throw bad(line, "field " + field + " has a raw " + describe(c) + " at column " + (i + 1));
            }
            i++;
        }
        if (i + 1 < n && line.charAt(i + 1) != ' ') {
            throw bad(line, "field " + field + " (user agent) must be followed by a space after its closing quote");
        }
        fields.add(escaped ? unescape(line, start + 1, i, field) : line.substring(start + 1, i));
        return i + 1;
    }

    private static String unescape(String line, int from, int to, int field) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            char c = line.charAt(i);
            if (c != '\\') {
                bytes.write(c);
                i++;
                continue;
            }
            char e = i + 1 < to ? line.charAt(i + 1) : 0;
            if (e == '\\' || e == '"') {
                bytes.write(e);
                i += 2;
            } else if (e == 'x' && i + 3 < to && hex(line.charAt(i + 2)) >= 0 && hex(line.charAt(i + 3)) >= 0) {
                bytes.write(hex(line.charAt(i + 2)) << 4 | hex(line.charAt(i + 3)));
                i += 4;
            } else {
                throw bad(line, "field " + field + " has a bad escape at column " + (i + 1)
                        + " (expected \\xHH, \\\\ or \\\")");
            }
        }
        byte[] raw = bytes.toByteArray();
        return WireText.decode(raw, 0, raw.length);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static void checkShape(String line, List<String> f) {
        if (!digitsWithSeparators(f.get(0), '.') || f.get(0).length() < 10) {
            throw bad(line, "field 1 (date) must be yyyy.MM.dd, got " + f.get(0));
        }
        if (!digitsWithSeparators(f.get(1), ':') || f.get(1).length() != 8) {
            throw bad(line, "field 2 (time) must be HH:mm:ss, got " + f.get(1));
        }
        for (int k = 15; k < FIELD_COUNT; k++) {
            String v = f.get(k);
            if (!v.endsWith("ms") || v.length() < 3) {
                throw bad(line, "field " + (k + 1) + " must be a duration like 4ms, got " + v);
            }
        }
    }

    /** {@code digits SEP dd SEP dd}, the leading group at least two digits. */
    private static boolean digitsWithSeparators(String v, char sep) {
        int n = v.length();
        if (n < 8 || v.charAt(n - 3) != sep || v.charAt(n - 6) != sep) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (i != n - 3 && i != n - 6 && (v.charAt(i) < '0' || v.charAt(i) > '9')) {
                return false;
            }
        }
        return true;
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7F ? "control character 0x" + Integer.toHexString(c)
                : c >= 0x80 ? "non-ASCII character U+" + Integer.toHexString(c)
                : "'" + c + "'";
    }

    private static IllegalArgumentException bad(String line, String why) {
        String shown = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return new IllegalArgumentException("not a request-log line: " + why + ": " + shown);
    }
}
