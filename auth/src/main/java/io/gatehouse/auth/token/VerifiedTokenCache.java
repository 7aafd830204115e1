package io.gatehouse.auth.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Remembers verdicts on tokens for a short while, so that a token seen again costs one map lookup
 * instead of a signature check.
 *
 * <p>Entries are keyed by the token's SHA-256, never by the token. A {@link TokenVerdict.Verified}
 * is kept for the cache time but never past the token's own expiry, so a cached token stops being
 * accepted when it expires. A {@link TokenVerdict.Refused} is kept for the (shorter) negative time,
 * so a client repeating a bad token costs one check per that time, while a token refused for a
 * reason that can change soon (a JWKS not yet holding its key) is looked at again quickly; a
 * negative time of zero keeps no refusals. The number of entries is bounded; the least useful go
 * first. Time comes from the injected clock.
 */
public final class VerifiedTokenCache implements TokenVerifier {

    /**
     * Cache settings.
     *
     * @param maxEntries  most tokens remembered
     * @param ttl         longest a verified token is remembered
     * @param negativeTtl how long a refused token is remembered (zero: never)
     */
    public record CacheSpec(long maxEntries, Duration ttl, Duration negativeTtl) {
        /** 10 000 tokens, 60 s, refusals 5 s. */
        public static final CacheSpec DEFAULT = new CacheSpec(10_000, Duration.ofSeconds(60), Duration.ofSeconds(5));

        public CacheSpec {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
            }
            if (ttl.isNegative() || negativeTtl.isNegative()) {
                throw new IllegalArgumentException("cache times must not be negative");
            }
        }
    }

    private final TokenVerifier verifier;
    private final Clock clock;
    private final Cache<TokenDigest, TokenVerdict> cache;

    /** A cache in front of {@code verifier}. */
    public VerifiedTokenCache(TokenVerifier verifier, CacheSpec spec, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        long ttlNanos = spec.ttl().toNanos();
        long negativeNanos = spec.negativeTtl().toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(spec.maxEntries())
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .expireAfter(new Expiry<TokenDigest, TokenVerdict>() {
                    @Override
                    public long expireAfterCreate(TokenDigest key, TokenVerdict verdict, long currentTime) {
                        return lifetime(verdict, ttlNanos, negativeNanos);
                    }

                    @Override
                    public long expireAfterUpdate(TokenDigest key, TokenVerdict verdict, long currentTime,
                                                  long currentDuration) {
                        return lifetime(verdict, ttlNanos, negativeNanos);
                    }

                    @Override
                    public long expireAfterRead(TokenDigest key, TokenVerdict verdict, long currentTime,
                                                long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public TokenVerdict verify(String token) {
        return cache.get(TokenDigest.of(token), key -> verifier.verify(token));
    }

    /** How many verdicts are held now (after pending clean-up). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private long lifetime(TokenVerdict verdict, long ttlNanos, long negativeNanos) {
        if (!(verdict instanceof TokenVerdict.Verified verified)) {
            return negativeNanos;
        }
        Instant expiresAt = verified.expiresAt();
        if (expiresAt == null) {
            return ttlNanos;
        }
        long untilExpiryMillis = expiresAt.toEpochMilli() - clock.millis();
        if (untilExpiryMillis <= 0) {
            return 0;
        }
        return Math.min(ttlNanos, untilExpiryMillis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE
                : untilExpiryMillis * 1_000_000L);
    }
}
