package io.gatehouse.server.h2;

import io.gatehouse.routing.HostHeader;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Set;

/**
 * What an HTTP/2 request must be before it is sent on to a member over HTTP/1.1: the rules of RFC 9113
 * §8 that a downgrade would otherwise turn into ambiguous HTTP/1.1 (a value with a line break, a
 * {@code :path} that is not a path, a length the body cannot have). Applied to the request as Undertow's
 * HTTP/2 layer hands it over: that layer has already refused some of these itself (see
 * {@code docs/http2.md}) and has made {@code Host} the {@code :authority}, so what is checked here is
 * what it lets through. Pure: plain values in, a {@link Http2Violation} or null out.
 */
public final class Http2RequestRules {
    /** RFC 9113 §8.2.2: fields that only mean something on one HTTP/1.1 connection. */
    private static final Set<HttpString> CONNECTION_SPECIFIC = Set.of(Headers.CONNECTION, Headers.KEEP_ALIVE,
            new HttpString("Proxy-Connection"), Headers.TRANSFER_ENCODING, Headers.UPGRADE);

    private static final long[] TOKEN = bits("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private Http2RequestRules() {
    }

    /**
     * @param method        the request's method ({@code :method})
     * @param scheme        its {@code :scheme}
     * @param tls           true when the connection is TLS (then the scheme must be {@code https}, else {@code http})
     * @param requestUri    the path part of {@code :path}, as received (no decoding)
     * @param query         the query part of {@code :path} (after {@code ?}), or empty
     * @param fields        the regular header fields, {@code Host} being the {@code :authority}
     * @param streamEnded   true when the stream ended with its headers: no DATA follows
     * @return the first rule the request breaks, or null when it may go on
     */
    public static Http2Violation check(HttpString method, String scheme, boolean tls, String requestUri, String query,
                                       HeaderMap fields, boolean streamEnded) {
        for (HeaderValues values : fields) {
            Http2Violation v = field(values);
            if (v != null) {
                return v;
            }
        }
        Http2Violation v = path(method, requestUri, query);
        if (v != null) {
            return v;
        }
        if (!(tls ? "https" : "http").equals(scheme)) {
            return Http2Violation.SCHEME_MISMATCH;
        }
        v = authority(fields.get(Headers.HOST));
        if (v != null) {
            return v;
        }
        return contentLength(fields.get(Headers.CONTENT_LENGTH), streamEnded);
    }

    /**
     * The request's {@code :authority} and {@code Host} as received (before Undertow replaces one by the
     * other): each at most once, and when both are there, the same host (case-insensitive, without a
     * trailing dot) on the same port (the scheme's default when none is written).
     *
     * @param scheme the request's {@code :scheme}, for the default port
     * @return {@link Http2Violation#AUTHORITY_HOST_MISMATCH}, or null when they agree
     */
    public static Http2Violation authorityAndHost(HeaderValues authority, HeaderValues host, String scheme) {
        if ((authority != null && authority.size() > 1) || (host != null && host.size() > 1)) {
            return Http2Violation.AUTHORITY_HOST_MISMATCH;
        }
        if (authority == null || host == null) {
            return null;
        }
        String a = authority.getFirst();
        String h = host.getFirst();
        String name = HostHeader.hostName(a);
        if (name == null || !name.equals(HostHeader.hostName(h)) || port(a, scheme) != port(h, scheme)) {
            return Http2Violation.AUTHORITY_HOST_MISMATCH;
        }
        return null;
    }

    /** The port an authority names: after the last {@code :} outside an IPv6 literal, else the scheme's. */
    private static int port(String authority, String scheme) {
        int colon = authority.lastIndexOf(':');
        if (colon < 0 || colon < authority.lastIndexOf(']') || colon == authority.length() - 1) {
            return "https".equals(scheme) ? 443 : 80;
        }
        try {
            return Integer.parseInt(authority.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Http2Violation field(HeaderValues values) {
        HttpString name = values.getHeaderName();
        if (name.length() > 0 && name.byteAt(0) == ':') {
            return Http2Violation.UNEXPECTED_PSEUDO_HEADER;
        }
        if (!validName(name)) {
            return Http2Violation.INVALID_FIELD_NAME;
        }
        if (CONNECTION_SPECIFIC.contains(name)) {
            return Http2Violation.CONNECTION_SPECIFIC_FIELD;
        }
        boolean te = name.equals(Headers.TE);
        for (int i = 0, n = values.size(); i < n; i++) {
            String value = values.get(i);
            Http2Violation v = value(value);
            if (v != null) {
                return v;
            }
            if (te && !value.equals("trailers")) {
                return Http2Violation.TE_NOT_TRAILERS;
            }
        }
        return null;
    }

    /**
     * A token in lower case (RFC 9113 §8.2: names are lower case on the wire). {@code Host} is the one
     * name Undertow writes itself, in its own spelling, from {@code :authority}.
     */
    private static boolean validName(HttpString name) {
        int n = name.length();
        if (n == 0) {
            return false;
        }
        boolean host = name.equals(Headers.HOST);
        for (int i = 0; i < n; i++) {
            int c = name.byteAt(i) & 0xFF;
            if (!in(TOKEN, c) || (!host && c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /** HTAB, SP, VCHAR and obs-text only, and no SP or HTAB at either end (RFC 9113 §8.2.1). */
    private static Http2Violation value(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                return Http2Violation.INVALID_FIELD_VALUE;
            }
        }
        if (n > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(n - 1)))) {
            return Http2Violation.FIELD_VALUE_WHITESPACE;
        }
        return null;
    }

    /**
     * Origin form (starting with {@code /}) or {@code *} for OPTIONS (RFC 9113 §8.3.1), made of what
     * the HTTP/1.1 edge accepts in a target: VCHAR but {@code #}, each {@code %} followed by two hex digits.
     */
    private static Http2Violation path(HttpString method, String requestUri, String query) {
        if (requestUri == null || requestUri.isEmpty()) {
            return Http2Violation.INVALID_PATH;
        }
        if (requestUri.equals("*") && (query == null || query.isEmpty())) {
            return method.equals(Methods.OPTIONS) ? null : Http2Violation.ASTERISK_WITHOUT_OPTIONS;
        }
        if (requestUri.charAt(0) != '/' || !targetChars(requestUri) || (query != null && !targetChars(query))) {
            return Http2Violation.INVALID_PATH;
        }
        return null;
    }

    private static boolean targetChars(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= n || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c <= 0x20 || c >= 0x7F || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** One {@code :authority} (Undertow's {@code Host}) that is a host and an optional port, as the HTTP/1.1 edge wants Host. */
    private static Http2Violation authority(HeaderValues host) {
        if (host == null || host.isEmpty()) {
            return Http2Violation.MISSING_AUTHORITY;
        }
        String value = host.getFirst();
        if (host.size() > 1 || value.isEmpty() || !value.strip().equals(value) || HostHeader.hostName(value) == null) {
            return Http2Violation.INVALID_AUTHORITY;
        }
        return null;
    }

    /**
     * At most one {@code content-length}, of 1 to 18 digits (RFC 9110 §8.6; 18 so it never overflows);
     * above 0 only when DATA follows.
     */
    private static Http2Violation contentLength(HeaderValues lengths, boolean streamEnded) {
        if (lengths == null) {
            return null;
        }
        String value = lengths.getFirst();
        if (lengths.size() != 1 || value.isEmpty() || value.length() > 18) {
            return Http2Violation.INVALID_CONTENT_LENGTH;
        }
        boolean zero = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return Http2Violation.INVALID_CONTENT_LENGTH;
            }
            zero &= c == '0';
        }
        return streamEnded && !zero ? Http2Violation.CONTENT_LENGTH_WITHOUT_DATA : null;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static long[] bits(String chars) {
        long[] set = new long[2];
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            set[c >> 6] |= 1L << (c & 63);
        }
        return set;
    }

    private static boolean in(long[] set, int c) {
        return c < 128 && (set[c >> 6] & (1L << (c & 63))) != 0;
    }
}
