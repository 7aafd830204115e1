package io.gatehouse.config.source;

/**
 * How a value from a file appears in a message: quoted, with control characters escaped and long
 * values cut, so that a binary or huge line gives a readable one-line message.
 */
public final class Shown {
    private static final int MAX = 80;

    private Shown() {
    }

    /** {@code "value"}, at most about 80 characters, control characters as {@code \\uXXXX}. */
    public static String of(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX) + 8).append('"');
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown >= MAX) {
                out.append("...");
                break;
            }
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '\uFFFD') {
                out.append(c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
            shown++;
        }
        return out.append('"').toString();
    }
}
