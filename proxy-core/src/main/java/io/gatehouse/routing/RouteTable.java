package io.gatehouse.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One virtual host's route map: the longest path prefix that matches on segment boundaries wins.
 * {@code /catalog} takes {@code /catalog}, {@code /catalog/} and {@code /catalog/x}, never
 * {@code /catalogue}; {@code /catalog/inventory} beats {@code /catalog}; {@code /} takes everything.
 *
 * <p>A lookup scans the path once, computing {@link String#hashCode()} of each prefix that ends at a
 * {@code /} as it goes, and probes an open-addressing table with it; prefixes longer than the longest
 * route are not probed. It allocates nothing: the {@link Match} it returns was built with the table.
 * Paths are compared case-sensitively, as nginx does. Immutable and thread-safe.
 *
 * @param <T> what a route resolves to (its handler chain)
 */
public final class RouteTable<T> {
    /**
     * A matched route.
     *
     * @param prefix the route's path as configured ({@code /} or {@code /a/b}, no trailing slash)
     * @param value  what the route resolves to
     */
    public record Match<T>(String prefix, T value) {
        public Match {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(value, "value");
        }
    }

    private final Match<T> root;
    private final String[] keys;
    private final int[] hashes;
    private final Match<T>[] matches;
    private final int mask;
    private final int maxPrefixLength;

    @SuppressWarnings("unchecked")
    private RouteTable(Map<String, T> routes) {
        Match<T> rootMatch = null;
        int capacity = 2;
        while (capacity < routes.size() * 2) {
            capacity <<= 1;
        }
        keys = new String[capacity];
        hashes = new int[capacity];
        matches = (Match<T>[]) new Match<?>[capacity];
        mask = capacity - 1;
        int longest = 1;
        for (Map.Entry<String, T> route : routes.entrySet()) {
            String prefix = route.getKey();
            Match<T> match = new Match<>(prefix, route.getValue());
            if (prefix.length() == 1) {
                rootMatch = match;
                continue;
            }
            longest = Math.max(longest, prefix.length());
            int hash = prefix.hashCode();
            int slot = spread(hash) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = prefix;
            hashes[slot] = hash;
            matches[slot] = match;
        }
        root = rootMatch;
        maxPrefixLength = longest;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * The route for this path (the request's {@code matchPath}: decoded, slashes merged), or
     * {@code null} when no route matches or the path does not start with {@code /}.
     */
    public Match<T> match(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        Match<T> best = root;
        int length = path.length();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c == '/' && i > 1) {
                Match<T> found = find(path, i, hash);
                if (found != null) {
                    best = found;
                }
            }
            if (i >= maxPrefixLength) {
                return best;
            }
            hash = 31 * hash + c;
        }
        if (length > 1) {
            Match<T> found = find(path, length, hash);
            if (found != null) {
                best = found;
            }
        }
        return best;
    }

    /** The route whose prefix is {@code path[0, length)}, whose String hash is {@code hash}. */
    private Match<T> find(String path, int length, int hash) {
        for (int slot = spread(hash) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (hashes[slot] == hash && key.length() == length && path.regionMatches(0, key, 0, length)) {
                return matches[slot];
            }
        }
        return null;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** Collects routes; refuses a prefix that does not start with {@code /} or is given twice. */
    public static final class Builder<T> {
        private final Map<String, T> routes = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a route. A trailing slash is dropped ({@code /catalog/} is the route {@code /catalog}).
         *
         * @throws IllegalArgumentException for a prefix without a leading {@code /}, with an empty
         *                                  segment, or given twice
         */
        public Builder<T> add(String prefix, T value) {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(value, "value");
            String key = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            if (!key.startsWith("/")) {
                throw new IllegalArgumentException("route path: " + prefix + " (expected: starting with /)");
            }
            if (key.contains("//")) {
                throw new IllegalArgumentException("route path: " + prefix + " (expected: no empty segment)");
            }
            if (routes.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("route path: " + prefix + " (expected: each path once)");
            }
            return this;
        }

        public RouteTable<T> build() {
            return new RouteTable<>(routes);
        }
    }
}
