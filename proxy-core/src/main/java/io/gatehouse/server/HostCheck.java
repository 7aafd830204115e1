package io.gatehouse.server;

/**
 * The checks Undertow's HTTP/1.1 server makes on every request's {@code Host} value (RFC 9110 §7.2,
 * RFC 3986 §3.2.2), worked out without a regular expression or a copy of the value. Undertow's own
 * {@code HostHeaderHandler} is wired into its read listener for every request and matches each host
 * that is not a bracketed literal against an IPv4 expression first; an IPv4 host passes the
 * registered-name character check anyway (digits and dots), so that match decides nothing and cost
 * a tenth of the event loop's user time on an IPv4 {@code Host}. Gatehouse ships its own
 * {@code io.undertow.server.handlers.HostHeaderHandler} (the runnable jar leaves Undertow's out) that
 * asks this class; the answers, and their reason phrases, are Undertow's, except that an IPv6 literal
 * is read by RFC 3986's grammar (Undertow's expression refuses {@code [::ffff:127.0.0.1]} and a few
 * other valid forms). See docs/architecture.md, "Undertow's Host check".
 */
public final class HostCheck {
    public static final String NO_HOST = "No Host Header";
    public static final String TOO_MANY = "Only One Host Header Allowed";
    public static final String MALFORMED_PORT = "Host Header Malformed Port";
    public static final String MALFORMED_IP_LITERAL = "Host Header Malformed IP-Literal";
    public static final String BAD_CHARACTERS = "Host Header Bad Characters";
    public static final String NO_MATCH = "URI Host Header NO MATCH";

    private static final int HEX = 1;
    private static final int REG_NAME = 2;
    private static final int IP_FUTURE = 4;
    private static final byte[] CLASSES = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            boolean digit = c >= '0' && c <= '9';
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            // unreserved and sub-delims (RFC 3986 §2.2, §2.3); '%' is handled on its own
            boolean name = digit || letter || "-._~!$&'()*+,;=".indexOf(c) >= 0;
            CLASSES[c] = (byte) ((hex ? HEX : 0) | (name ? REG_NAME | IP_FUTURE : 0) | (c == ':' ? IP_FUTURE : 0));
        }
    }

    private HostCheck() {
    }

    /**
     * Why {@code host} (one {@code Host} field's value) is refused, as the reason phrase of the 400
     * Undertow answers, or {@code null} when it is a valid host with an optional port.
     */
    public static String problem(String host) {
        int close = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        int end = host.length();
        if (close < colon) {
            if (close < 0 && host.startsWith("[")) {
                return MALFORMED_IP_LITERAL;
            }
            if (!validPort(host, colon + 1)) {
                return MALFORMED_PORT;
            }
            end = colon;
        }
        if (close > 0) {
            if (host.charAt(0) != '[') {
                return MALFORMED_IP_LITERAL;
            }
            return ipLiteral(host, 1, end - 1);
        }
        return regName(host, end);
    }

    /** Where the host name ends in {@code host}: before a port, or at its end. */
    public static int nameEnd(String host) {
        int colon = host.lastIndexOf(':');
        return host.lastIndexOf(']') < colon ? colon : host.length();
    }

    /** A port: what {@link Integer#parseInt} reads as 1 to 65535 (so "+80" and "080" are ports). */
    static boolean validPort(String host, int from) {
        int length = host.length() - from;
        if (length >= 1 && length <= 5) {
            int port = 0;
            int i = from;
            for (; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                port = port * 10 + (c - '0');
            }
            if (i == host.length()) {
                return port > 0 && port <= 65535;
            }
        }
        try {
            int port = Integer.parseInt(host.substring(from));
            return port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A registered name or IPv4 address in {@code host[0, end)}: allowed characters and whole %XX escapes. */
    private static String regName(String host, int end) {
        for (int i = 0; i < end; i++) {
            char c = host.charAt(i);
            if (c == '%') {
                if (i + 2 >= end) {
                    return MALFORMED_IP_LITERAL;
                }
                if (!is(host.charAt(++i), HEX) || !is(host.charAt(++i), HEX)) {
                    return BAD_CHARACTERS;
                }
            } else if (!is(c, REG_NAME)) {
                return BAD_CHARACTERS;
            }
        }
        return null;
    }

    /** The inside of {@code [...]}, {@code host[from, to)}: an IPvFuture or an IPv6 address. */
    private static String ipLiteral(String host, int from, int to) {
        if (to > from && host.charAt(from) == 'v') {
            int dot = host.indexOf('.', from);
            if (dot < 0 || dot >= to || dot - from < 2) {
                return MALFORMED_IP_LITERAL;
            }
            for (int i = from + 1; i < dot; i++) {
                if (!is(host.charAt(i), HEX)) {
                    return BAD_CHARACTERS;
                }
            }
            if (dot + 1 >= to) {
                return MALFORMED_IP_LITERAL;
            }
            for (int i = dot + 1; i < to; i++) {
                if (!is(host.charAt(i), IP_FUTURE)) {
                    return BAD_CHARACTERS;
                }
            }
            return null;
        }
        return ipv6(host, from, to) ? null : MALFORMED_IP_LITERAL;
    }

    /**
     * RFC 3986's {@code IPv6address}: eight groups of one to four hex digits, or fewer with one
     * {@code ::}, the last two groups optionally written as an IPv4 address.
     */
    public static boolean ipv6(String s, int from, int to) {
        int i = from;
        int groups = 0;
        boolean elided = false;
        if (to - i >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            elided = true;
            i += 2;
            if (i == to) {
                return true;
            }
        }
        while (true) {
            int start = i;
            while (i < to && i - start < 5 && is(s.charAt(i), HEX)) {
                i++;
            }
            if (i < to && s.charAt(i) == '.') {
                if (!ipv4(s, start, to)) {
                    return false;
                }
                groups += 2;
                break;
            }
            if (i == start || i - start > 4) {
                return false;
            }
            groups++;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (elided) {
                    return false;
                }
                elided = true;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return false;
            }
        }
        return elided ? groups <= 7 : groups == 8;
    }

    /** RFC 3986's {@code IPv4address} in {@code s[from, to)}: four dec-octets, no leading zeros. */
    private static boolean ipv4(String s, int from, int to) {
        int i = from;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (i >= to || s.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return false;
            }
        }
        return i == to;
    }

    private static boolean is(char c, int kind) {
        return c < 128 && (CLASSES[c] & kind) != 0;
    }
}
