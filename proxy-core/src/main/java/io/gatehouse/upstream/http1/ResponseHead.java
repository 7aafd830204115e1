package io.gatehouse.upstream.http1;

import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * A member's response head (status line and header fields), parsed in one pass from the bytes that
 * came off the wire, with what its framing means for the body and for the connection.
 *
 * <p>Strict where two readers could disagree, as nginx is with upstreams: a response with both
 * {@code Content-Length} and {@code Transfer-Encoding}, with {@code Content-Length} twice or not a
 * number, with a {@code Transfer-Encoding} other than {@code chunked}, with whitespace before a colon,
 * obsolete line folding or control characters is refused. Lines may end in CRLF or a bare LF (RFC 9112
 * §2.2), since Gatehouse writes the head out again in one canonical form.
 *
 * <p>One instance is reused for many heads: {@link #parse} starts afresh every time.
 */
public final class ResponseHead {
    /** At most this many header fields in one head. */
    public static final int MAX_FIELDS = 128;

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final HttpString[] names = new HttpString[MAX_FIELDS];
    private final String[] values = new String[MAX_FIELDS];
    private final RecentValues recent = new RecentValues();
    private int count;
    private boolean http11;
    private int status;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private boolean keepAlive;
    private HttpString[] connectionOptions = NO_NAMES;
    private int connectionOptionCount;

    private static final HttpString[] NO_NAMES = new HttpString[0];

    /**
     * Parses the head at the start of {@code b[0, len)}.
     *
     * @return the head's length in bytes (the body starts there), or -1 when the bytes end before the
     *         head does (call again with more)
     * @throws MalformedResponseException when the bytes cannot be a valid head, however many follow
     */
    public int parse(byte[] b, int len) throws MalformedResponseException {
        reset();
        int p = statusLine(b, len);
        if (p < 0) {
            return -1;
        }
        while (true) {
            if (p >= len) {
                return -1;
            }
            byte c = b[p];
            if (c == '\r') {
                if (p + 1 >= len) {
                    return -1;
                }
                if (b[p + 1] != '\n') {
                    throw new MalformedResponseException("bare CR in the response head");
                }
                p += 2;
                break;
            }
            if (c == '\n') {
                p++;
                break;
            }
            p = field(b, p, len);
            if (p < 0) {
                return -1;
            }
        }
        checkFraming();
        return p;
    }

    private void reset() {
        for (int i = 0; i < count; i++) {
            values[i] = null;
        }
        count = 0;
        status = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        keepAlive = false;
        connectionOptionCount = 0;
    }

    /** {@code HTTP/1.x SP 3DIGIT [SP reason] EOL}; returns the position after it, or -1 if incomplete. */
    private static final byte[] PREFIX = {'H', 'T', 'T', 'P', '/', '1', '.'};

    private int statusLine(byte[] b, int len) throws MalformedResponseException {
        for (int i = 0; i < PREFIX.length; i++) {
            if (i >= len) {
                return -1;
            }
            if (b[i] != PREFIX[i]) {
                throw new MalformedResponseException("the answer is not an HTTP/1.x response");
            }
        }
        if (len < 13) {
            return -1;
        }
        if (b[7] == '1') {
            http11 = true;
        } else if (b[7] == '0') {
            http11 = false;
        } else {
            throw new MalformedResponseException("unsupported HTTP version in the status line");
        }
        if (b[8] != ' ' || !digit(b[9]) || !digit(b[10]) || !digit(b[11])) {
            throw new MalformedResponseException("malformed status line");
        }
        status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
        if (status < 100) {
            throw new MalformedResponseException("status code " + status + " out of range");
        }
        int p = 12;
        if (b[p] == ' ') {
            p++;
        } else if (b[p] != '\r' && b[p] != '\n') {
            throw new MalformedResponseException("malformed status line");
        }
        for (; p < len; p++) {
            int c = b[p] & 0xff;
            if (c == '\n') {
                return p + 1;
            }
            if (c == '\r') {
                if (p + 1 >= len) {
                    return -1;
                }
                if (b[p + 1] != '\n') {
                    throw new MalformedResponseException("bare CR in the status line");
                }
                return p + 2;
            }
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new MalformedResponseException("control character in the status line");
            }
        }
        return -1;
    }

    /** One {@code name: value EOL} line starting at {@code p}; returns the position after it, or -1. */
    private int field(byte[] b, int p, int len) throws MalformedResponseException {
        int nameStart = p;
        if (b[p] == ' ' || b[p] == '\t') {
            throw new MalformedResponseException("obsolete line folding in the response head");
        }
        while (true) {
            if (p >= len) {
                return -1;
            }
            int c = b[p] & 0xff;
            if (c == ':') {
                break;
            }
            if (!TCHAR[c]) {
                throw new MalformedResponseException(c == ' ' || c == '\t'
                        ? "whitespace before a colon in the response head"
                        : "malformed header field in the response head");
            }
            p++;
        }
        int nameEnd = p;
        if (nameEnd == nameStart) {
            throw new MalformedResponseException("empty header name in the response head");
        }
        p++;
        while (p < len && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        int valueStart = p;
        int valueEnd;
        int next;
        while (true) {
            if (p >= len) {
                return -1;
            }
            int c = b[p] & 0xff;
            if (c == '\n') {
                valueEnd = p;
                next = p + 1;
                break;
            }
            if (c == '\r') {
                if (p + 1 >= len) {
                    return -1;
                }
                if (b[p + 1] != '\n') {
                    throw new MalformedResponseException("bare CR in a response header");
                }
                valueEnd = p;
                next = p + 2;
                break;
            }
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new MalformedResponseException("control character in a response header");
            }
            p++;
        }
        while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        if (count == MAX_FIELDS) {
            throw new MalformedResponseException("more than " + MAX_FIELDS + " header fields in the response head");
        }
        HttpString name = HeaderNames.of(b, nameStart, nameEnd - nameStart);
        String value = recent.text(b, valueStart, valueEnd);
        names[count] = name;
        values[count] = value;
        count++;
        framing(name, value);
        return next;
    }

    private void framing(HttpString name, String value) throws MalformedResponseException {
        if (name == Headers.CONTENT_LENGTH) {
            if (contentLength >= 0) {
                throw new MalformedResponseException("Content-Length twice in the response head");
            }
            contentLength = parseLength(value);
        } else if (name == Headers.TRANSFER_ENCODING) {
            if (chunked) {
                throw new MalformedResponseException("Transfer-Encoding twice in the response head");
            }
            if (!value.equalsIgnoreCase("chunked")) {
                throw new MalformedResponseException("unsupported Transfer-Encoding in the response: " + value);
            }
            chunked = true;
        } else if (name == Headers.CONNECTION) {
            connectionTokens(value);
        }
    }

    private static long parseLength(String value) throws MalformedResponseException {
        int n = value.length();
        if (n == 0 || n > 18) {
            throw new MalformedResponseException("invalid Content-Length in the response: " + value);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedResponseException("invalid Content-Length in the response: " + value);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private void connectionTokens(String value) {
        int start = 0;
        int n = value.length();
        while (start <= n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int s = start;
            int e = end;
            while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
                s++;
            }
            while (e > s && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) {
                e--;
            }
            if (e > s) {
                if (e - s == 5 && value.regionMatches(true, s, "close", 0, 5)) {
                    close = true;
                } else if (e - s == 10 && value.regionMatches(true, s, "keep-alive", 0, 10)) {
                    keepAlive = true;
                } else {
                    addConnectionOption(new HttpString(value.substring(s, e)));
                }
            }
            start = end + 1;
        }
    }

    private void addConnectionOption(HttpString name) {
        if (connectionOptionCount == connectionOptions.length) {
            HttpString[] bigger = new HttpString[Math.max(4, connectionOptions.length * 2)];
            System.arraycopy(connectionOptions, 0, bigger, 0, connectionOptionCount);
            connectionOptions = bigger;
        }
        connectionOptions[connectionOptionCount++] = name;
    }

    private void checkFraming() throws MalformedResponseException {
        if (chunked && contentLength >= 0) {
            throw new MalformedResponseException("both Content-Length and Transfer-Encoding in the response head");
        }
        if (chunked && !http11) {
            throw new MalformedResponseException("Transfer-Encoding in an HTTP/1.0 response");
        }
    }

    /** True for the characters of an HTTP token (RFC 9110 §5.6.2). */
    static boolean isTokenChar(int c) {
        return c < 256 && TCHAR[c];
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    // ---- what was read

    public int status() {
        return status;
    }

    public boolean isHttp11() {
        return http11;
    }

    /** The declared body length, or -1 when the head has no {@code Content-Length}. */
    public long contentLength() {
        return contentLength;
    }

    /** True when the body is sent in chunks. */
    public boolean isChunked() {
        return chunked;
    }

    /** True when the member keeps the connection open after this response (HTTP/1.1 without {@code close}, or HTTP/1.0 with {@code keep-alive}). */
    public boolean isPersistent() {
        return !close && (http11 || keepAlive);
    }

    public int fieldCount() {
        return count;
    }

    public HttpString name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The first value of {@code name}, or null. */
    public String first(HttpString name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** True when the {@code Connection} header names {@code name} as an option of this hop (other than close, keep-alive). */
    public boolean isConnectionOption(HttpString name) {
        for (int i = 0; i < connectionOptionCount; i++) {
            if (connectionOptions[i].equals(name)) {
                return true;
            }
        }
        return false;
    }
}
