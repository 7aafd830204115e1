package io.gatehouse.config.model;

import java.util.Locale;
import java.util.Objects;

/**
 * A host name on an {@code @} line of the route map: {@code www.a.com} (exact), {@code .a.com}
 * (a.com and every subdomain) or {@code *.a.com} (every subdomain, not a.com itself). Stored lower-case;
 * {@link #suffix()} is the part after the leading {@code .} or {@code *.}.
 */
public record HostPattern(Kind kind, String suffix) {
    public enum Kind { EXACT, DOT_SUFFIX, STAR_SUFFIX }

    public HostPattern {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(suffix, "suffix");
        if (suffix.isEmpty()) {
            throw new IllegalArgumentException("host name is empty");
        }
        suffix = suffix.toLowerCase(Locale.ROOT);
    }

    /** Parses one token of an {@code @} line. Validation of the characters is the binder's job. */
    public static HostPattern parse(String token) {
        if (token.startsWith("*.")) {
            return new HostPattern(Kind.STAR_SUFFIX, token.substring(2));
        }
        if (token.startsWith(".")) {
            return new HostPattern(Kind.DOT_SUFFIX, token.substring(1));
        }
        return new HostPattern(Kind.EXACT, token);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EXACT -> suffix;
            case DOT_SUFFIX -> "." + suffix;
            case STAR_SUFFIX -> "*." + suffix;
        };
    }
}
