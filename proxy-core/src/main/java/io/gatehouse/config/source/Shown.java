package io.gatehouse.config.source;

/**
 * How a value from a file appears in a message: control characters escaped and long values cut, so that
 * a binary or huge line still gives a readable one-line message.
 */
public final class Shown {
    private static final int MAX = 80;

    private Shown() {
    }

    /** {@code "value"}: quoted, at most about 80 characters, control characters as {@code \\uXXXX}. */
    public static String of(String value) {
        return '"' + escape(value, true) + '"';
    }

    /** The value unquoted, cut and escaped the same way: for names and paths that were already checked. */
    public static String cut(String value) {
        return escape(value, false);
    }

    private static String escape(String value, boolean quoted) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX) + 8);
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown >= MAX) {
                out.append("...");
                break;
            }
            char c = value.charAt(i);
            if (quoted && (c == '"' || c == '\\')) {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || c == '\uFFFD' || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
            shown++;
        }
        return out.toString();
    }
}
