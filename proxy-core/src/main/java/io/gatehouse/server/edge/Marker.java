package io.gatehouse.server.edge;

/**
 * The value of {@value StrictFramingConduit#MARKER_HEADER_NAME} on a substituted request:
 * {@code <status> <reason>|<method>|<target>|<host>}, where the method, target and Host are the
 * refused request's as received (the Host only when it was valid and not the problem), one char per
 * byte, with {@code %}, {@code |}, controls, spaces and bytes above 0x7E written {@code %XX} so that
 * any bytes fit in a header value. The rejection handler reads it back; a marker without those fields
 * ({@code <status> <reason>}) reads as absent method, target and Host.
 */
final class Marker {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Marker() {
    }

    static void write(int status, String reason, String method, String target, String host, StringBuilder out) {
        out.append(status).append(' ').append(reason).append('|');
        escape(method, out);
        out.append('|');
        escape(target, out);
        out.append('|');
        escape(host, out);
    }

    /** {@code "<status> <reason>..."}: the status if it is 400..599, else 400. */
    static int status(String marker) {
        if (marker.length() >= 3) {
            int status = 0;
            for (int k = 0; k < 3; k++) {
                char c = marker.charAt(k);
                if (c < '0' || c > '9') {
                    return 400;
                }
                status = status * 10 + (c - '0');
            }
            if (status >= 400 && status <= 599 && (marker.length() == 3 || marker.charAt(3) == ' '
                    || marker.charAt(3) == '|')) {
                return status;
            }
        }
        return 400;
    }

    /** The text between the first space and the first {@code |}, or a general reason. */
    static String reason(String marker) {
        int bar = marker.indexOf('|');
        String head = bar < 0 ? marker : marker.substring(0, bar);
        int space = head.indexOf(' ');
        String reason = space < 0 ? "" : head.substring(space + 1).trim();
        return reason.isEmpty() ? "request refused at the edge" : reason;
    }

    /** The refused request's method as received, or null when the marker carries none. */
    static String method(String marker) {
        return field(marker, 1);
    }

    /** The refused request's target as received, or null when the marker carries none. */
    static String target(String marker) {
        return field(marker, 2);
    }

    /** The refused request's Host as received, or null (or empty) when it had none worth keeping. */
    static String host(String marker) {
        return field(marker, 3);
    }

    private static String field(String marker, int index) {
        int start = -1;
        for (int k = 0; k < index; k++) {
            start = marker.indexOf('|', start + 1);
            if (start < 0) {
                return null;
            }
        }
        int end = marker.indexOf('|', start + 1);
        return unescape(marker, start + 1, end < 0 ? marker.length() : end);
    }

    private static void escape(String value, StringBuilder out) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '%' || c == '|') {
                int b = c & 0xFF;
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            } else {
                out.append(c);
            }
        }
    }

    private static String unescape(String s, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to) {
                int high = Character.digit(s.charAt(i + 1), 16);
                int low = Character.digit(s.charAt(i + 2), 16);
                if (high >= 0 && low >= 0) {
                    out.append((char) (high << 4 | low));
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
