package io.gatehouse.config.bind;

import io.gatehouse.config.model.CacheKeySpec;
import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.config.model.StaleUse;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds the keys of an {@code [@name]} section that say whether and how its answers are cached:
 * {@code cache}, {@code cache_key}, {@code cache_valid} and {@code cache_use_stale}. Each value that does
 * not parse is an error at its line naming the key, the value and what was expected, and leaves the
 * default. Whether the keys can have an effect at all depends on {@code [proxypass]}, which may be in
 * another file: {@code config.check.CacheChecks} says so once the whole directory is bound.
 */
final class ClusterCacheBinder {
    /** The keys, in the order docs/configuration.md lists them. */
    static final List<String> KEYS = List.of("cache", "cache_key", "cache_valid", "cache_use_stale");

    private static final String CACHE_KEY_EXPECTED = "parts from scheme, host, path, query and header:NAME separated"
            + " by spaces, with path";
    private static final String USE_STALE_EXPECTED = "off, or conditions from error, timeout, 5xx, http_500, http_502,"
            + " http_503, http_504 and updating separated by spaces";

    private ClusterCacheBinder() {
    }

    /** The cache settings of {@code kv}'s cluster. */
    static ClusterCacheSpec bind(KeyValues kv) {
        ClusterCacheSpec d = ClusterCacheSpec.DEFAULTS;
        boolean cache = kv.bool("cache", false);
        Optional<Boolean> enabled = kv.given("cache") ? Optional.of(cache) : d.enabled();
        CacheKeySpec key = kv.parse("cache_key", d.key(), CACHE_KEY_EXPECTED, ClusterCacheBinder::cacheKey);
        Optional<Duration> valid = kv.parse("cache_valid", d.valid(), Durations.EXPECTED,
                value -> Optional.of(Durations.parse(value)));
        if (valid.isPresent() && valid.get().isZero()) {
            kv.error("cache_valid", "cache_valid must be more than 0, got "
                    + KeyValues.got(kv.string("cache_valid", ""))
                    + "; leave it out to give no lifetime, or use cache = no to store nothing");
            valid = d.valid();
        }
        StaleUse useStale = kv.parse("cache_use_stale", d.useStale(), USE_STALE_EXPECTED, ClusterCacheBinder::staleUse);
        return new ClusterCacheSpec(enabled, key, valid, useStale);
    }

    /** The cache keys written in {@code kv}'s section with a value that was not refused, and their lines. */
    static Map<String, SourcePos> written(KeyValues kv) {
        Map<String, SourcePos> lines = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (kv.given(key)) {
                lines.put(key, kv.posOf(key));
            }
        }
        return lines;
    }

    /** {@code scheme host path query header:NAME}, any subset in any order, with {@code path}, each part once. */
    static CacheKeySpec cacheKey(String value) {
        List<CacheKeySpec.Part> parts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String word : words(value, CACHE_KEY_EXPECTED)) {
            CacheKeySpec.Part part = part(word);
            if (!seen.add(part.identity())) {
                throw new BadValueException(CACHE_KEY_EXPECTED + " (" + part + " is written twice)");
            }
            parts.add(part);
        }
        if (!parts.contains(CacheKeySpec.Part.PATH)) {
            throw new BadValueException(CACHE_KEY_EXPECTED + " (path is missing)");
        }
        return new CacheKeySpec(parts);
    }

    private static CacheKeySpec.Part part(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.startsWith("header:")) {
            String name = word.substring("header:".length());
            if (!MemberPolicyBinder.TOKEN.matcher(name).matches()) {
                throw new BadValueException(CACHE_KEY_EXPECTED + " (" + Shown.of(word) + " needs a header field name:"
                        + " letters, digits and !#$%&'*+-.^_`|~)");
            }
            return CacheKeySpec.Part.header(name);
        }
        for (CacheKeySpec.Kind kind : CacheKeySpec.Kind.values()) {
            if (kind != CacheKeySpec.Kind.HEADER && kind.keyword().equals(lower)) {
                return new CacheKeySpec.Part(kind, "");
            }
        }
        throw new BadValueException(CACHE_KEY_EXPECTED + " (" + Shown.of(word) + " is not a part)");
    }

    /** {@code off}, or conditions from {@code error timeout 5xx http_500 http_502 http_503 http_504 updating}. */
    static StaleUse staleUse(String value) {
        List<String> words = words(value, USE_STALE_EXPECTED);
        if (words.size() == 1 && words.get(0).equalsIgnoreCase("off")) {
            return StaleUse.OFF;
        }
        Set<StaleUse.Condition> conditions = EnumSet.noneOf(StaleUse.Condition.class);
        for (String word : words) {
            if (word.equalsIgnoreCase("off")) {
                throw new BadValueException(USE_STALE_EXPECTED + " (off goes alone)");
            }
            StaleUse.Condition c = StaleUse.Condition.of(word);
            if (c == null) {
                throw new BadValueException(USE_STALE_EXPECTED + " (" + Shown.of(word) + " is not one)");
            }
            if (!conditions.add(c)) {
                throw new BadValueException(USE_STALE_EXPECTED + " (" + c.keyword() + " is written twice)");
            }
        }
        return new StaleUse(conditions);
    }

    /** The value's words, split on spaces and tabs; at least one. */
    private static List<String> words(String value, String expected) {
        if (value.isBlank()) {
            throw new BadValueException(expected);
        }
        return List.of(value.strip().split("\\s+"));
    }
}
