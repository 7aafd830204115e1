package io.gatehouse.handler;

/**
 * Compares an entity-tag against an {@code If-Match}/{@code If-None-Match} list (RFC 9110 §8.8.3):
 * {@code *} or comma-separated {@code "tag"} / {@code W/"tag"}. A malformed list matches nothing.
 */
final class EntityTags {
    private EntityTags() {
    }

    /** Weak comparison (for {@code If-None-Match}): {@code W/"x"} matches {@code "x"}. */
    static boolean matchesWeak(String header, String etag) {
        return matches(header, etag, true);
    }

    /** Strong comparison (for {@code If-Match}): a weak tag in the list never matches. */
    static boolean matchesStrong(String header, String etag) {
        return matches(header, etag, false);
    }

    /**
     * @param etag a strong tag with its quotes, as sent in {@code ETag}
     */
    private static boolean matches(String header, String etag, boolean weakComparison) {
        int n = header.length();
        int i = 0;
        while (i < n) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            boolean weak = false;
            if (c == 'W' && i + 1 < n && header.charAt(i + 1) == '/') {
                weak = true;
                i += 2;
            }
            if (i >= n || header.charAt(i) != '"') {
                return false;
            }
            int close = header.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            if ((weakComparison || !weak) && close + 1 - i == etag.length()
                    && header.regionMatches(i, etag, 0, etag.length())) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
