package io.gatehouse.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtVerifierTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final byte[] SECRET = randomBytes(32);
    static final RSAKey RSA = rsa("rsa1");
    static final RSAKey OTHER_RSA = rsa("rsa1");
    static final ECKey EC = ec("ec1");

    @TempDir
    Path dir;
    MutableClock clock;
    ExecutorService executor;
    JwksKeySet keys;
    JwtVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(NOW);
        executor = Executors.newSingleThreadExecutor();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(RSA.toPublicJWK(), EC.toPublicJWK())).toString());
        keys = new JwksKeySet(jwks.toUri(), Duration.ofSeconds(5), clock, executor);
        keys.refresh().get(10, TimeUnit.SECONDS);
        verifier = new JwtVerifier(spec(Set.of("HS256", "RS256", "PS256", "ES256"), null, null), keys, clock);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    static JwtSpec spec(Set<String> algs, String issuer, String audience) {
        return new JwtSpec(algs, SECRET, URI_PLACEHOLDER, Duration.ofSeconds(5), null, null,
                Duration.ofSeconds(30), issuer, audience, false);
    }

    static final java.net.URI URI_PLACEHOLDER = java.net.URI.create("file:///unused/jwks.json");

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().claim("user", "alice").claim("roles", List.of("user", "admin"))
                .expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.HS256, null, mac(SECRET), claims);
    }

    static String rs256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, "rsa1", rsaSigner(RSA), claims);
    }

    static Stream<Arguments> tokens() {
        String valid = rs256(claims().build());
        String[] parts = valid.split("\\.");
        String tamperedPayload = Base64URL.encode(
                claims().claim("roles", List.of("user", "admin", "root")).build().toString()).toString();
        return Stream.of(
            Arguments.of("valid HS256", hs256(claims().build()), null),
            Arguments.of("valid RS256", valid, null),
            Arguments.of("valid PS256", sign(JWSAlgorithm.PS256, "rsa1", rsaSigner(RSA), claims().build()), null),
            Arguments.of("valid ES256", sign(JWSAlgorithm.ES256, "ec1", ecSigner(EC), claims().build()), null),
            Arguments.of("RS256 without kid tried against the set", sign(JWSAlgorithm.RS256, null, rsaSigner(RSA),
                    claims().build()), null),
            Arguments.of("alg none", new PlainJWT(claims().build()).serialize(), "algorithm none not accepted"),
            Arguments.of("alg none with a signature part", new PlainJWT(claims().build()).serialize() + "c2ln",
                    "malformed token"),
            Arguments.of("HS256 not accepted", sign(JWSAlgorithm.HS384, null, mac(randomBytes(48)), claims().build()),
                    "algorithm HS384 not accepted"),
            Arguments.of("HS256 keyed with the RSA public key", sign(JWSAlgorithm.HS256, "rsa1",
                    mac(publicKeyBytes()), claims().build()), "bad signature"),
            Arguments.of("HS256 with another secret", sign(JWSAlgorithm.HS256, null, mac(randomBytes(32)),
                    claims().build()), "bad signature"),
            Arguments.of("RS256 with another key under the same kid", sign(JWSAlgorithm.RS256, "rsa1",
                    rsaSigner(OTHER_RSA), claims().build()), "bad signature"),
            Arguments.of("ES256 claiming the RSA kid", sign(JWSAlgorithm.ES256, "rsa1", ecSigner(EC),
                    claims().build()), "key rsa1 does not fit algorithm ES256"),
            Arguments.of("kid not in the set", sign(JWSAlgorithm.RS256, "rsa9", rsaSigner(RSA), claims().build()),
                    "unknown key id"),
            Arguments.of("tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2], "bad signature"),
            Arguments.of("expired beyond the leeway", rs256(claims().expirationTime(at(-31)).build()), "expired"),
            Arguments.of("expired exactly at the leeway", rs256(claims().expirationTime(at(-30)).build()), "expired"),
            Arguments.of("expired just inside the leeway", rs256(claims().expirationTime(at(-29)).build()), null),
            Arguments.of("seed expires in the past", hs256(claims().expirationTime(null)
                    .claim("expires", NOW.getEpochSecond() - 31).build()), "expired"),
            Arguments.of("seed expires 0 is never", hs256(claims().expirationTime(null).claim("expires", 0).build()),
                    null),
            Arguments.of("seed expires not a number", hs256(claims().claim("expires", "soon").build()),
                    "malformed token"),
            Arguments.of("not yet valid", rs256(claims().notBeforeTime(at(31)).build()), "not yet valid"),
            Arguments.of("nbf just inside the leeway", rs256(claims().notBeforeTime(at(29)).build()), null),
            Arguments.of("no user claim", rs256(claims().claim("user", null).build()), "no user claim"),
            Arguments.of("roles neither list nor string", rs256(claims().claim("roles", 7).build()),
                    "roles claim is neither a list nor a string"),
            Arguments.of("garbage", "not-a-token", "malformed token"),
            Arguments.of("three garbage parts", "a.b.c", "malformed token"),
            Arguments.of("empty", "", "malformed token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void eachTokenGetsTheVerdictItsSignatureAndClaimsCallFor(String name, String token, String refusal) {
        TokenVerdict verdict = verifier.verify(token);
        if (refusal == null) {
            assertEquals(new TokenVerdict.Verified("alice", List.of("user", "admin"), expiryOf(token)), verdict);
        } else {
            assertEquals(new TokenVerdict.Refused(refusal), verdict);
        }
    }

    @Test
    void aVerifierThatAcceptsOnlyRs256RefusesHs256MadeWithThePublicKey() {
        JwtVerifier rsOnly = new JwtVerifier(new JwtSpec(Set.of("RS256"), null, URI_PLACEHOLDER, null, null, null,
                null, null, null, false), keys, clock);
        String forged = sign(JWSAlgorithm.HS256, "rsa1", mac(publicKeyBytes()), claims().build());
        assertEquals(new TokenVerdict.Refused("algorithm HS256 not accepted"), rsOnly.verify(forged));
        assertTrue(rsOnly.verify(rs256(claims().build())).verified());
    }

    static Stream<Arguments> issuerAndAudience() {
        return Stream.of(
            Arguments.of("https://id.example", "gatehouse", null),
            Arguments.of("https://evil.example", "gatehouse", "wrong issuer"),
            Arguments.of(null, "gatehouse", "wrong issuer"),
            Arguments.of("https://id.example", "someone-else", "wrong audience"),
            Arguments.of("https://id.example", null, "wrong audience"));
    }

    @ParameterizedTest(name = "iss={0} aud={1}: {2}")
    @MethodSource("issuerAndAudience")
    void aRequiredIssuerAndAudienceMustMatch(String iss, String aud, String refusal) {
        JwtVerifier strict = new JwtVerifier(spec(Set.of("RS256"), "https://id.example", "gatehouse"), keys, clock);
        JWTClaimsSet.Builder c = claims().issuer(iss);
        if (aud != null) {
            c.audience(List.of("other", aud));
        }
        TokenVerdict verdict = strict.verify(rs256(c.build()));
        assertEquals(refusal == null ? null : new TokenVerdict.Refused(refusal),
                verdict.verified() ? null : verdict);
    }

    @Test
    void claimNamesAreConfigurableAndRolesMayBeASpaceSeparatedString() {
        JwtVerifier oidc = new JwtVerifier(new JwtSpec(Set.of("HS256"), SECRET, null, null, "sub", "scope",
                null, null, null, false), null, clock);
        String token = hs256(new JWTClaimsSet.Builder().subject("bob").claim("scope", "read  write read")
                .expirationTime(at(60)).build());
        assertEquals(new TokenVerdict.Verified("bob", List.of("read", "write"), at(60).toInstant()),
                oidc.verify(token));
    }

    @Test
    void aTokenWithoutExpiryIsRefusedWhenExpiryIsRequired() {
        JwtVerifier strict = new JwtVerifier(new JwtSpec(Set.of("HS256"), SECRET, null, null, null, null,
                null, null, null, true), null, clock);
        assertEquals(new TokenVerdict.Refused("no expiry"), strict.verify(hs256(claims().expirationTime(null).build())));
    }

    @Test
    void aShortSecretKeyIsAConfigurationProblemNamingItsLength() {
        JwtSpec spec = JwtSpec.hmac("twelve-bytes");
        assertEquals(List.of("secret_key must be at least 32 bytes (HS256 needs 256 bits), got 12"), spec.problems());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void unusableSettingsAreReportedAsProblems(String name, JwtSpec spec, String problem) {
        assertEquals(List.of(problem), spec.problems());
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
            Arguments.of("none", new JwtSpec(Set.of("none"), null, null, null, null, null, null, null, null, false),
                    "algorithm none can never be accepted: unsigned tokens prove nothing"),
            Arguments.of("EdDSA", new JwtSpec(Set.of("EdDSA"), null, null, null, null, null, null, null, null, false),
                    "algorithm EdDSA is not supported: its verifier needs the Tink library, which Gatehouse does not ship"),
            Arguments.of("RS256 without jwks", new JwtSpec(Set.of("RS256"), null, null, null, null, null, null, null,
                    null, false), "jwks is required for RS256"),
            Arguments.of("HS512 without secret", new JwtSpec(Set.of("HS512"), null, null, null, null, null, null,
                    null, null, false), "secret_key is required for HS512"));
    }

    @Test
    void aJwksFileThatChangesIsPickedUpAfterItsCacheTime() throws Exception {
        RSAKey rotated = rsa("rsa2");
        String token = sign(JWSAlgorithm.RS256, "rsa2", rsaSigner(rotated), claims().build());
        assertEquals(new TokenVerdict.Refused("unknown key id"), verifier.verify(token));

        Path jwks = Path.of(keys.location());
        Files.writeString(jwks, new JWKSet(List.of(RSA.toPublicJWK(), rotated.toPublicJWK())).toString());
        Files.setLastModifiedTime(jwks, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        clock.advance(Duration.ofSeconds(6));

        Await.until("the rotated key is used", () -> verifier.verify(token).verified());
        assertTrue(verifier.verify(rs256(claims().build())).verified(), "the old key is still in the set");
    }

    @Test
    void aJwksFileThatTurnsBadKeepsTheLastGoodSet() throws Exception {
        Path jwks = Path.of(keys.location());
        Files.writeString(jwks, "{\"keys\": [ broken");
        Files.setLastModifiedTime(jwks, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        clock.advance(Duration.ofSeconds(6));
        keys.refresh().get(10, TimeUnit.SECONDS);

        assertTrue(keys.lastProblem().startsWith("jwks " + jwks.toUri() + ": not a JWKS"), keys.lastProblem());
        assertTrue(verifier.verify(rs256(claims().build())).verified());
    }

    static Date at(long secondsFromNow) {
        return Date.from(NOW.plusSeconds(secondsFromNow));
    }

    static Instant expiryOf(String token) {
        try {
            JWTClaimsSet c = SignedJWT.parse(token).getJWTClaimsSet();
            if (c.getExpirationTime() != null) {
                return c.getExpirationTime().toInstant();
            }
            Object expires = c.getClaim("expires");
            return expires instanceof Number n && n.longValue() != 0 ? Instant.ofEpochSecond(n.longValue()) : null;
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] publicKeyBytes() {
        try {
            return RSA.toRSAPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static JWSSigner mac(byte[] secret) {
        return call(s -> new MACSigner(s), secret);
    }

    static JWSSigner rsaSigner(RSAKey key) {
        return call(RSASSASigner::new, key);
    }

    static JWSSigner ecSigner(ECKey key) {
        return call(ECDSASigner::new, key);
    }

    static RSAKey rsa(String kid) {
        return call(k -> new RSAKeyGenerator(2048).keyID(k).generate(), kid);
    }

    static ECKey ec(String kid) {
        return call(k -> new ECKeyGenerator(Curve.P_256).keyID(k).generate(), kid);
    }

    interface JoseCall<A, R> {
        R apply(A a) throws JOSEException;
    }

    static <A, R> R call(JoseCall<A, R> f, A a) {
        try {
            return f.apply(a);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
