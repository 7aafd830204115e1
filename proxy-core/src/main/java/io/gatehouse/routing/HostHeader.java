package io.gatehouse.routing;

/**
 * The host name a request is routed by: the {@code Host} header lower-cased, without its port and
 * without a trailing dot. An IPv6 literal keeps its brackets ({@code [::1]:8080} gives {@code [::1]}),
 * so it never loses its last group the way a cut at the last colon would.
 */
public final class HostHeader {
    private HostHeader() {
    }

    /**
     * Returns the host name to match virtual hosts against, or {@code null} when the header is
     * missing, empty or not a valid host (the request then gets the default host's routes).
     */
    public static String hostName(String hostHeaderValue) {
        if (hostHeaderValue == null) {
            return null;
        }
        String value = hostHeaderValue.strip();
        if (value.isEmpty()) {
            return null;
        }
        return value.charAt(0) == '[' ? ipLiteral(value) : regName(value);
    }

    /** {@code [v6]} or {@code [v6]:port}. */
    private static String ipLiteral(String value) {
        int close = value.indexOf(']');
        if (close < 3) {
            return null;
        }
        for (int i = 1; i < close; i++) {
            char c = value.charAt(i);
            if (!(isHex(c) || c == ':' || c == '.')) {
                return null;
            }
        }
        if (value.indexOf(':') > close || value.indexOf(':', 1) < 0) {
            return null; // an IPv6 literal has at least one colon inside the brackets
        }
        if (close + 1 < value.length() && !isPort(value, close + 1)) {
            return null;
        }
        return lowerCase(value.substring(0, close + 1));
    }

    /** A registered name or an IPv4 address, with an optional port. */
    private static String regName(String value) {
        int colon = value.indexOf(':');
        int end = colon < 0 ? value.length() : colon;
        if (colon >= 0 && !isPort(value, colon)) {
            return null;
        }
        if (end > 0 && value.charAt(end - 1) == '.') {
            end--; // the fully qualified form names the same host
        }
        if (end == 0) {
            return null;
        }
        boolean upper = false;
        char previous = '.';
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '.') {
                if (previous == '.') {
                    return null; // empty label: leading dot or ".."
                }
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return null;
            }
            previous = c;
        }
        String host = end == value.length() ? value : value.substring(0, end);
        return upper ? lowerCase(host) : host;
    }

    /** {@code :} followed by zero to five digits (RFC 3986 allows an empty port) up to 65535. */
    private static boolean isPort(String value, int colon) {
        if (value.charAt(colon) != ':') {
            return false;
        }
        int digits = value.length() - colon - 1;
        if (digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = colon + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String lowerCase(String ascii) {
        return ascii.toLowerCase(java.util.Locale.ROOT);
    }
}
