package io.gatehouse.routing;

import io.gatehouse.config.model.HostPattern;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Picks the virtual host for a request's host name, in the order an nginx operator expects: the exact
 * name, then the longest matching {@code .suffix} or {@code *.suffix}, then the route lines written
 * before any {@code @} line (the default), else nothing.
 *
 * <p>{@code .a.com} takes {@code a.com} and every subdomain; {@code *.a.com} takes every subdomain but
 * not {@code a.com} itself. A lookup makes one hash probe for the exact name and at most two per dot in
 * the name (its suffixes, longest first, and only those as long as some pattern); it never scans the
 * patterns. Immutable and thread-safe.
 *
 * @param <T> what a host resolves to (a compiled route table)
 */
public final class HostRouter<T> {
    private final Map<String, T> exact;
    /** {@code .suffix}: the suffix itself and its subdomains. */
    private final Map<String, T> dotSuffix;
    /** {@code *.suffix}: subdomains only. */
    private final Map<String, T> starSuffix;
    private final T defaultValue;
    /** {@code suffixLength[n]}: some {@code .suffix} or {@code *.suffix} is {@code n} characters long. */
    private final boolean[] suffixLength;

    private HostRouter(Builder<T> builder) {
        this.exact = Map.copyOf(builder.exact);
        this.dotSuffix = Map.copyOf(builder.dotSuffix);
        this.starSuffix = Map.copyOf(builder.starSuffix);
        this.defaultValue = builder.defaultValue;
        int longest = 0;
        for (String suffix : dotSuffix.keySet()) {
            longest = Math.max(longest, suffix.length());
        }
        for (String suffix : starSuffix.keySet()) {
            longest = Math.max(longest, suffix.length());
        }
        this.suffixLength = new boolean[longest + 1];
        dotSuffix.keySet().forEach(k -> suffixLength[k.length()] = true);
        starSuffix.keySet().forEach(k -> suffixLength[k.length()] = true);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * The value for this host name (as {@link HostHeader#hostName} gives it; matched case-insensitively),
     * the default when no pattern matches or the name is {@code null}, or {@code null} when there is no
     * default either.
     */
    public T resolve(String hostName) {
        if (hostName == null || hostName.isEmpty()) {
            return defaultValue;
        }
        String host = hasUpperCase(hostName) ? hostName.toLowerCase(Locale.ROOT) : hostName;
        T found = exact.get(host);
        if (found != null) {
            return found;
        }
        found = dotSuffix.get(host);
        if (found != null) {
            return found;
        }
        // Proper suffixes, longest first: "x.a.com" tries "a.com", then "com" (only lengths some pattern has).
        int n = host.length();
        for (int dot = host.indexOf('.'); dot >= 0 && dot < n - 1; dot = host.indexOf('.', dot + 1)) {
            int length = n - dot - 1;
            if (length >= suffixLength.length || !suffixLength[length]) {
                continue;
            }
            String suffix = host.substring(dot + 1);
            found = dotSuffix.get(suffix);
            if (found == null) {
                found = starSuffix.get(suffix);
            }
            if (found != null) {
                return found;
            }
        }
        return defaultValue;
    }

    private static boolean hasUpperCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** Collects patterns; refuses a pattern given twice, and {@code .x} together with {@code *.x}. */
    public static final class Builder<T> {
        private final Map<String, T> exact = new HashMap<>();
        private final Map<String, T> dotSuffix = new HashMap<>();
        private final Map<String, T> starSuffix = new HashMap<>();
        private T defaultValue;
        private boolean defaultSet;

        private Builder() {
        }

        /**
         * Adds one pattern.
         *
         * @throws IllegalArgumentException when the pattern is already present, or when {@code .x} and
         *                                  {@code *.x} would both claim the subdomains of {@code x}
         */
        public Builder<T> add(HostPattern pattern, T value) {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(value, "value");
            String name = pattern.suffix();
            Map<String, T> target;
            Map<String, T> rival = null;
            switch (pattern.kind()) {
                case EXACT:
                    target = exact;
                    break;
                case DOT_SUFFIX:
                    target = dotSuffix;
                    rival = starSuffix;
                    break;
                default:
                    target = starSuffix;
                    rival = dotSuffix;
                    break;
            }
            if (target.containsKey(name)) {
                throw new IllegalArgumentException("host pattern: " + pattern + " (expected: each host pattern once)");
            }
            if (rival != null && rival.containsKey(name)) {
                throw new IllegalArgumentException("host pattern: " + pattern + " (expected: not together with "
                        + (pattern.kind() == HostPattern.Kind.DOT_SUFFIX ? "*." : ".") + name
                        + ", both claim the subdomains of " + name + ")");
            }
            target.put(name, value);
            return this;
        }

        /** The routes written before any {@code @} line; used for hosts no pattern names. */
        public Builder<T> defaultValue(T value) {
            Objects.requireNonNull(value, "value");
            if (defaultSet) {
                throw new IllegalArgumentException("default host: given twice (expected: once)");
            }
            this.defaultValue = value;
            this.defaultSet = true;
            return this;
        }

        public HostRouter<T> build() {
            return new HostRouter<>(this);
        }
    }
}
