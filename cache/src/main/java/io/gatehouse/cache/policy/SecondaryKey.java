package io.gatehouse.cache.policy;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The secondary cache key from {@code Vary} (RFC 9111 §4.1): which request field values a stored
 * response was chosen by, in one normalised string.
 *
 * <p>The key lists the {@code Vary} field names, lower-cased, without repeats, sorted (so
 * {@code Vary: Accept-Encoding, Accept} and {@code Vary: accept, accept-encoding} give the same key), one
 * per line: {@code name: value} when the request has the field, {@code name} alone when it does not, so an
 * absent field and an empty one differ. The value is every line of the request field joined with commas,
 * with whitespace around commas removed and runs of whitespace inside an element made one space
 * (quoted strings are kept as they are). Values are not case-folded: which fields allow that is
 * field-specific. {@code %}, CR and LF in a value are percent-escaped, so two different requests never
 * share a key. A response without {@code Vary} (or with an empty one) has the key {@code ""}.
 *
 * <p>{@code Vary: *}, or an element that is not a field name, matches no request: {@link #of} returns
 * {@code null} and {@link Storability} does not store such a response.
 */
public final class SecondaryKey {
    private SecondaryKey() {
    }

    /**
     * The secondary key of {@code request} for a response with {@code vary}'s {@code Vary} field, or
     * {@code null} when that response matches no request. {@code vary} may be the stored response or any
     * response of the same resource (a remembered {@code Vary}).
     */
    public static String of(Fields vary, Fields request) {
        TreeSet<String> names = varyNames(vary);
        if (names == null) {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (String name : names) {
            if (key.length() > 0) {
                key.append('\n');
            }
            key.append(name);
            List<String> lines = request.all(name);
            if (!lines.isEmpty()) {
                key.append(": ");
                appendValue(key, lines);
            }
        }
        return key.toString();
    }

    /** True when a stored response, keyed with {@code storedKey}, may answer {@code request} (§4.1). */
    public static boolean matches(String storedKey, Fields storedResponse, Fields request) {
        String key = of(storedResponse, request);
        return key != null && key.equals(storedKey);
    }

    /** True when the response's {@code Vary} holds {@code *} or something that is not a field name. */
    public static boolean matchesNothing(Fields response) {
        return varyNames(response) == null;
    }

    /**
     * The names {@code response}'s {@code Vary} lists, lower-cased, sorted and distinct (what a secondary
     * key is made of); null for {@code *} or an element that is not a field name.
     */
    public static TreeSet<String> varyNames(Fields response) {
        TreeSet<String> names = new TreeSet<>();
        for (String element : FieldElements.of(response, "Vary")) {
            if (!FieldElements.isToken(element) || element.equals("*")) {
                return null;
            }
            names.add(element.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static void appendValue(StringBuilder key, List<String> lines) {
        boolean first = true;
        for (String line : lines) {
            for (String element : FieldElements.split(line)) {
                if (!first) {
                    key.append(',');
                }
                first = false;
                appendElement(key, element);
            }
        }
    }

    /** Whitespace runs outside quotes become one space; %, CR and LF are escaped. */
    private static void appendElement(StringBuilder key, String element) {
        boolean quoted = false;
        boolean space = false;
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (!quoted && FieldElements.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space) {
                key.append(' ');
                space = false;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\' && i + 1 < element.length()) {
                key.append(c);
                c = element.charAt(++i);
            }
            switch (c) {
                case '%': key.append("%25"); break;
                case '\r': key.append("%0D"); break;
                case '\n': key.append("%0A"); break;
                default: key.append(c);
            }
        }
    }
}
