package io.gatehouse.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerifiedTokenCacheTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    MutableClock clock = new MutableClock(NOW);
    AtomicInteger verifications = new AtomicInteger();

    TokenVerifier counting(TokenVerdict verdict) {
        return token -> {
            verifications.incrementAndGet();
            return verdict;
        };
    }

    @Test
    void aVerifiedTokenIsVerifiedOnceAndThenAnsweredFromTheCache() {
        TokenVerdict good = new TokenVerdict.Verified("alice", List.of("admin"), NOW.plusSeconds(600));
        VerifiedTokenCache cache = new VerifiedTokenCache(counting(good),
                new VerifiedTokenCache.CacheSpec(100, Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        for (int i = 0; i < 5; i++) {
            assertSame(good, cache.verify("tok"));
        }
        assertEquals(1, verifications.get());
        cache.verify("another");
        assertEquals(2, verifications.get());
    }

    static Stream<Arguments> lifetimes() {
        return Stream.of(
            Arguments.of("a token without expiry: the cache time", new TokenVerdict.Verified("alice", List.of(), null), 60),
            Arguments.of("a refusal: the negative time", new TokenVerdict.Refused("bad signature"), 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifetimes")
    void aVerdictIsRememberedForItsLifetimeAndCheckedAgainAfter(String name, TokenVerdict verdict, int seconds) {
        VerifiedTokenCache cache = new VerifiedTokenCache(counting(verdict),
                new VerifiedTokenCache.CacheSpec(100, Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        cache.verify("tok");
        clock.advance(Duration.ofSeconds(seconds - 1));
        assertSame(verdict, cache.verify("tok"));
        assertEquals(1, verifications.get());
        clock.advance(Duration.ofSeconds(1));
        cache.verify("tok");
        assertEquals(2, verifications.get());
    }

    @Test
    void anEntryExpiresAtTheTokensExpiryWhenThatComesFirst() {
        // the verifier's answer changes at the token's expiry, as a real one's would
        TokenVerifier byClock = token -> {
            verifications.incrementAndGet();
            return clock.instant().isBefore(NOW.plusSeconds(10))
                    ? new TokenVerdict.Verified("alice", List.of(), NOW.plusSeconds(10))
                    : new TokenVerdict.Refused("expired");
        };
        VerifiedTokenCache cache = new VerifiedTokenCache(byClock,
                new VerifiedTokenCache.CacheSpec(100, Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        assertEquals(true, cache.verify("tok").verified());
        clock.advance(Duration.ofSeconds(9));
        assertEquals(true, cache.verify("tok").verified());
        assertEquals(1, verifications.get());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new TokenVerdict.Refused("expired"), cache.verify("tok"));
        assertEquals(2, verifications.get());
    }

    @Test
    void aNegativeTimeOfZeroRemembersNoRefusal() {
        VerifiedTokenCache cache = new VerifiedTokenCache(counting(new TokenVerdict.Refused("expired")),
                new VerifiedTokenCache.CacheSpec(100, Duration.ofSeconds(60), Duration.ZERO), clock);
        cache.verify("bad");
        cache.verify("bad");
        assertEquals(2, verifications.get());
    }

    @Test
    void theCacheHoldsNoMoreThanItsBound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(
                counting(new TokenVerdict.Verified("alice", List.of(), null)),
                new VerifiedTokenCache.CacheSpec(10, Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        for (int i = 0; i < 200; i++) {
            cache.verify("tok-" + i);
        }
        assertEquals(10, cache.size());
    }

    @Test
    void aRealJwtIsVerifiedOnceThenServedFromTheCacheUntilItsExpiry() {
        JwtVerifier jwt = new JwtVerifier(JwtSpec.hmac("0123456789abcdef0123456789abcdef"), null, clock);
        TokenVerifier counted = token -> {
            verifications.incrementAndGet();
            return jwt.verify(token);
        };
        VerifiedTokenCache cache = new VerifiedTokenCache(counted,
                new VerifiedTokenCache.CacheSpec(100, Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        String token = JwtVerifierTest.sign(com.nimbusds.jose.JWSAlgorithm.HS256, null,
                JwtVerifierTest.mac("0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().claim("user", "alice").claim("roles", "admin")
                        .expirationTime(java.util.Date.from(NOW.plusSeconds(20))).build());
        assertEquals(new TokenVerdict.Verified("alice", List.of("admin"), NOW.plusSeconds(20)), cache.verify(token));
        cache.verify(token);
        assertEquals(1, verifications.get());
        clock.advance(Duration.ofSeconds(20 + 30)); // past exp and the 30 s leeway
        assertEquals(new TokenVerdict.Refused("expired"), cache.verify(token));
        assertEquals(2, verifications.get());
    }
}
