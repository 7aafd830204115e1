package io.gatehouse.config.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * {@code cache_key}: which parts of a request tell one stored answer of a cluster from another, in the
 * order written ({@code scheme host path query}, the default; leave {@code query} out to ignore the query,
 * add {@code header:NAME} to store one answer per value of that header). The path is always a part,
 * and no part is written twice.
 *
 * @param parts the parts, in the order written
 */
public record CacheKeySpec(List<Part> parts) {
    /** The parts of a request a cache key can hold. */
    public enum Kind {
        /** {@code http} or {@code https}, as the client reached Gatehouse. */
        SCHEME,
        /** The request's host, lower-cased, without its port. */
        HOST,
        /** The path, as received. */
        PATH,
        /** The query, as received (absent: requests that differ only in their query share an entry). */
        QUERY,
        /** One request header's value. */
        HEADER;

        /** The name as written in {@code cache_key}. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One part of the key.
     *
     * @param kind   what part of the request
     * @param header the header field name for {@link Kind#HEADER} (as written; matched in any case), else empty
     */
    public record Part(Kind kind, String header) {
        public static final Part SCHEME = new Part(Kind.SCHEME, "");
        public static final Part HOST = new Part(Kind.HOST, "");
        public static final Part PATH = new Part(Kind.PATH, "");
        public static final Part QUERY = new Part(Kind.QUERY, "");

        public Part {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(header, "header");
            if ((kind == Kind.HEADER) == header.isEmpty()) {
                throw new IllegalArgumentException("cache_key part " + kind + " with header \"" + header + "\"");
            }
        }

        /** {@code header:NAME}. */
        public static Part header(String name) {
            return new Part(Kind.HEADER, name);
        }

        /** What makes two parts the same part: the kind, and a header's name in any case ({@code header:accept}). */
        public String identity() {
            return kind == Kind.HEADER ? "header:" + header.toLowerCase(Locale.ROOT) : kind.keyword();
        }

        /** As written: {@code path}, {@code header:Accept-Language}. */
        @Override
        public String toString() {
            return kind == Kind.HEADER ? "header:" + header : kind.keyword();
        }
    }

    /** {@code cache_key}'s default: {@code scheme host path query}, nginx's {@code $scheme$proxy_host$request_uri}. */
    public static final CacheKeySpec DEFAULT = new CacheKeySpec(List.of(Part.SCHEME, Part.HOST, Part.PATH, Part.QUERY));

    public CacheKeySpec {
        parts = List.copyOf(parts);
        // by kind, not parts.contains(Part.PATH): a record's first equals links its bootstrap, ~20 ms of a start
        if (parts.stream().noneMatch(p -> p.kind() == Kind.PATH)) {
            throw new IllegalArgumentException("cache_key " + parts + " (expected: path among the parts)");
        }
        Set<String> seen = new HashSet<>();
        for (Part p : parts) {
            if (!seen.add(p.identity())) {
                throw new IllegalArgumentException("cache_key " + parts + " (expected: " + p + " at most once)");
            }
        }
    }

    /** True when the key holds the part {@code kind} (for {@link Kind#HEADER}: any header). */
    public boolean has(Kind kind) {
        return parts.stream().anyMatch(p -> p.kind() == kind);
    }

    /** The header names of the {@code header:NAME} parts, in the order written. */
    public List<String> headers() {
        List<String> names = new ArrayList<>();
        for (Part p : parts) {
            if (p.kind() == Kind.HEADER) {
                names.add(p.header());
            }
        }
        return List.copyOf(names);
    }

    /** As written in the configuration: {@code scheme host path query header:Accept-Language}. */
    @Override
    public String toString() {
        List<String> words = new ArrayList<>();
        parts.forEach(p -> words.add(p.toString()));
        return String.join(" ", words);
    }
}
