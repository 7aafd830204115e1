package io.gatehouse.cache.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * An entity-tag ({@code ETag}, RFC 9110 §8.8.3): {@code "opaque"} or weak {@code W/"opaque"}.
 *
 * <p>The opaque part is taken literally (a backslash is an ordinary character in an entity-tag, unlike in
 * a quoted string). Characters below {@code !} and {@code DEL} are refused; commas are allowed, so
 * lists are read by {@link #parseList}, not by splitting on commas.
 *
 * @param weak   the tag has the {@code W/} prefix
 * @param opaque the characters between the quotes
 */
public record EntityTag(boolean weak, String opaque) {

    /** The tag in {@code value} (surrounding whitespace ignored), or {@code null} when it is not one entity-tag. */
    public static EntityTag parse(String value) {
        if (value == null) {
            return null;
        }
        List<EntityTag> tags = parseList(value);
        return tags != null && tags.size() == 1 ? tags.get(0) : null;
    }

    /**
     * The tags of a comma-separated list ({@code If-None-Match}, {@code If-Match} without {@code *}), or
     * {@code null} when the list is malformed: a malformed list matches nothing.
     */
    public static List<EntityTag> parseList(String value) {
        List<EntityTag> tags = new ArrayList<>(2);
        int n = value.length();
        int i = 0;
        boolean needComma = false;
        while (i < n) {
            char c = value.charAt(i);
            if (FieldElements.isWhitespace(c)) {
                i++;
            } else if (c == ',') {
                needComma = false;
                i++;
            } else if (needComma) {
                return null;
            } else {
                boolean weak = value.startsWith("W/", i);
                int open = weak ? i + 2 : i;
                int close = open < n && value.charAt(open) == '"' ? value.indexOf('"', open + 1) : -1;
                if (close < 0 || !opaqueChars(value, open + 1, close)) {
                    return null;
                }
                tags.add(new EntityTag(weak, value.substring(open + 1, close)));
                needComma = true;
                i = close + 1;
            }
        }
        return tags;
    }

    private static boolean opaqueChars(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Strong comparison (§8.8.3.2): both strong, same opaque part. */
    public boolean strongMatch(EntityTag other) {
        return !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** Weak comparison: same opaque part, either may be weak. */
    public boolean weakMatch(EntityTag other) {
        return opaque.equals(other.opaque);
    }

    /** The field form: {@code "x"} or {@code W/"x"}. */
    @Override
    public String toString() {
        return (weak ? "W/\"" : "\"") + opaque + '"';
    }
}
