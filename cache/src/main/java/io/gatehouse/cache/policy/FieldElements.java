package io.gatehouse.cache.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads list-valued fields ({@code Cache-Control}, {@code Vary}, {@code Pragma}, {@code Connection}) as
 * their elements (RFC 9110 §5.6.1): split on commas outside quoted strings, optional whitespace around
 * each element removed, empty elements dropped.
 *
 * <p>A quoted string runs from {@code "} to the next unescaped {@code "}; a backslash inside it escapes
 * the next character (§5.6.4). An unterminated quoted string runs to the end of the line, so a broken
 * value never splits into extra elements.
 */
public final class FieldElements {
    private FieldElements() {
    }

    /** The elements of every line of the field, in order; empty when absent. */
    public static List<String> of(Fields fields, String name) {
        List<String> lines = fields.all(name);
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            split(line, out);
        }
        return out;
    }

    /** The elements of one field line. */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        split(line, out);
        return out;
    }

    private static void split(String line, List<String> out) {
        int n = line.length();
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                addTrimmed(line, start, i, out);
                start = i + 1;
            }
        }
        addTrimmed(line, start, n, out);
    }

    private static void addTrimmed(String line, int from, int to, List<String> out) {
        while (from < to && isWhitespace(line.charAt(from))) {
            from++;
        }
        while (to > from && isWhitespace(line.charAt(to - 1))) {
            to--;
        }
        if (to > from) {
            out.add(line.substring(from, to));
        }
    }

    /**
     * The content of a quoted string ({@code "a\"b"} gives {@code a"b}), or {@code null} when the value
     * is not exactly one well-formed quoted string.
     */
    public static String unquote(String value) {
        int n = value.length();
        if (n < 2 || value.charAt(0) != '"') {
            return null;
        }
        StringBuilder s = new StringBuilder(n - 2);
        for (int i = 1; i < n; i++) {
            char c = value.charAt(i);
            if (c == '"') {
                return i == n - 1 ? s.toString() : null;
            }
            if (c == '\\') {
                if (++i == n) {
                    return null;
                }
                c = value.charAt(i);
            }
            s.append(c);
        }
        return null;
    }

    /** True for a non-empty RFC 9110 token (§5.6.2): field names and directive names. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
