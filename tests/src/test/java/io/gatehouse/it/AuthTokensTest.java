package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.log.TokenFingerprint;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bearer tokens end to end (issue 11, "Tokens"): a site with {@code secret_key} and a JWKS file, a
 * cluster with {@code roles}. Good HS256, RS256 and ES256 tokens reach the member, which learns the user
 * and roles from Gatehouse alone; every kind of bad token is refused with 401 and the challenge RFC 6750
 * asks for, and never reaches the member; the request log has the user and a fingerprint, never the token.
 */
class AuthTokensTest {
    static Path tmp;
    static CountingOrigin origin;
    static GatehouseHarness gatehouse;

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory("auth-tokens");
        AuthTokens.writeJwks(tmp.resolve("jwks.json"), AuthTokens.RSA, AuthTokens.EC);
        origin = CountingOrigin.start();
        origin.on("/api/whoami", CountingOrigin.Answer.ok("hello"));
        origin.on("/open/page", CountingOrigin.Answer.ok("open"));
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [api-gateway]
                enable_gateway = yes
                authenticate = yes
                realm = Shop
                secret_key = %s
                jwks = %s
                algorithms = HS256, RS256, ES256
                issuer = https://id.example
                audience = shop-api

                [routes:line]
                /api = @api
                /open = @open

                [@api]
                members = %s
                roles = user, admin

                [@open]
                members = %s
                """.formatted(AuthTokens.SECRET, tmp.resolve("jwks.json"), origin.address(), origin.address()));
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
        origin.close();
    }

    static JWTClaimsSet good(String user, String... roles) {
        return AuthTokens.claims(user, roles).issuer("https://id.example").audience("shop-api").build();
    }

    static Stream<Arguments> goodTokens() {
        return Stream.of(
                Arguments.of("HS256", AuthTokens.hs256(good("hansroh", "user"))),
                Arguments.of("RS256", AuthTokens.rs256(AuthTokens.RSA, good("hansroh", "user"))),
                Arguments.of("ES256", AuthTokens.es256(AuthTokens.EC, good("hansroh", "user"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodTokens")
    void aGoodTokenReachesTheMemberWhichLearnsTheUserAndRolesFromGatehouse(String alg, String token) throws Exception {
        int before = origin.requests("/api/whoami");
        HttpResponse<String> answer = AuthTokens.get(gatehouse.uri("/api/whoami"), r -> r
                .header("Authorization", "Bearer " + token)
                .header("X-Auth-User", "root")
                .header("X-Auth-Roles", "admin"));

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(before + 1, origin.requests("/api/whoami"));
        CountingOrigin.Request seen = origin.last("/api/whoami");
        assertEquals(List.of("hansroh"), seen.headers().get("x-auth-user"), "the client's X-Auth-User never passes");
        assertEquals(List.of("user"), seen.headers().get("x-auth-roles"));
        assertEquals("Bearer " + token, seen.header("Authorization"), "the token itself goes on to the member");

        RequestLogRecord logged = AuthTokens.awaitLogged(gatehouse, answer.headers().firstValue("X-Request-ID").orElseThrow());
        assertEquals("hansroh", logged.user());
        assertEquals(TokenFingerprint.of(token), logged.token());
        assertFalse(logged.token().contains(token.substring(0, 10)));
    }

    static Stream<Arguments> refusedTokens() throws Exception {
        JWTClaimsSet claims = good("hansroh", "user");
        Instant now = Instant.now();
        byte[] rsaPublic = AuthTokens.RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        byte[] rsaPublicDer = AuthTokens.RSA.toRSAPublicKey().getEncoded();
        return Stream.of(
                Arguments.of("alg none", AuthTokens.unsigned(claims)),
                Arguments.of("HS256 signed with the RSA public key (JWK text)", AuthTokens.hs256(rsaPublic, claims)),
                Arguments.of("HS256 signed with the RSA public key (DER)", AuthTokens.hs256(rsaPublicDer, claims)),
                Arguments.of("HS256 with another secret",
                        AuthTokens.hs256("another-secret-another-secret-xx".getBytes(StandardCharsets.UTF_8), claims)),
                Arguments.of("RS256 with another key of the same kid",
                        AuthTokens.rs256(AuthTokens.rsa("rsa-1"), claims)),
                Arguments.of("expired", AuthTokens.hs256(new JWTClaimsSet.Builder(claims)
                        .expirationTime(Date.from(now.minusSeconds(3600))).build())),
                Arguments.of("not yet valid", AuthTokens.hs256(new JWTClaimsSet.Builder(claims)
                        .notBeforeTime(Date.from(now.plusSeconds(3600))).build())),
                Arguments.of("the seed's expires in the past", AuthTokens.hs256(new JWTClaimsSet.Builder(claims)
                        .claim("expires", now.minusSeconds(3600).getEpochSecond()).build())),
                Arguments.of("wrong audience", AuthTokens.hs256(new JWTClaimsSet.Builder(claims)
                        .audience("billing").build())),
                Arguments.of("wrong issuer", AuthTokens.hs256(new JWTClaimsSet.Builder(claims)
                        .issuer("https://evil.example").build())),
                Arguments.of("tampered payload", AuthTokens.tampered(AuthTokens.hs256(claims),
                        good("hansroh", "user", "admin"))),
                Arguments.of("malformed", "not.a.jwt"),
                Arguments.of("a kid the JWKS does not hold", AuthTokens.rs256(AuthTokens.rsa("rsa-unknown"), claims)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void aBadTokenIsRefusedWith401AndInvalidTokenAndNeverReachesTheMember(String what, String token) {
        int before = origin.requests("/api/whoami");
        HttpResponse<String> answer = AuthTokens.getWith(gatehouse.uri("/api/whoami"), token);

        assertEquals(401, answer.statusCode(), what);
        assertEquals(List.of("Bearer realm=\"Shop\", error=\"invalid_token\""),
                answer.headers().allValues("WWW-Authenticate"), what);
        assertTrue(answer.body().startsWith("{\"status\":401,\"error\":\"unauthorized: the bearer token is not valid\","
                + "\"request_id\":\""), answer.body());
        assertEquals(before, origin.requests("/api/whoami"), what + " must not reach the member");
    }

    @Test
    void aTokenThatIsNotBearerText68IsRefusedAsInvalid() {
        HttpResponse<String> answer = AuthTokens.get(gatehouse.uri("/api/whoami"),
                r -> r.header("Authorization", "Bearer a\"b"));
        assertEquals(401, answer.statusCode());
        assertEquals("Bearer realm=\"Shop\", error=\"invalid_token\"",
                answer.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void noTokenGetsTheChallengeWithoutAnError() {
        HttpResponse<String> none = AuthTokens.get(gatehouse.uri("/api/whoami"), r -> { });
        HttpResponse<String> basic = AuthTokens.get(gatehouse.uri("/api/whoami"),
                r -> r.header("Authorization", "Basic aGFuc3JvaDpzZWNyZXQ="));

        for (HttpResponse<String> answer : List.of(none, basic)) {
            assertEquals(401, answer.statusCode());
            assertEquals(List.of("Bearer realm=\"Shop\""), answer.headers().allValues("WWW-Authenticate"));
            assertTrue(answer.body().contains("\"error\":\"unauthorized: a bearer token is required\""), answer.body());
            assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
        }
    }

    @Test
    void aGoodTokenWithoutAnyOfTheClustersRolesIsForbidden() {
        int before = origin.requests("/api/whoami");
        String token = AuthTokens.hs256(good("guest", "reader"));
        HttpResponse<String> answer = AuthTokens.getWith(gatehouse.uri("/api/whoami"), token);

        assertEquals(403, answer.statusCode());
        assertEquals("Bearer realm=\"Shop\", error=\"insufficient_scope\"",
                answer.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(answer.body().startsWith("{\"status\":403,"), answer.body());
        assertEquals(before, origin.requests("/api/whoami"));
        RequestLogRecord logged = AuthTokens.awaitLogged(gatehouse, answer.headers().firstValue("X-Request-ID").orElseThrow());
        assertEquals("guest", logged.user(), "the refusal is logged with who asked");
    }

    @Test
    void identityFieldsAClientSendsAreRemovedOnAnUnprotectedRouteToo() {
        HttpResponse<String> answer = AuthTokens.get(gatehouse.uri("/open/page"), r -> r
                .header("X-Auth-User", "root")
                .header("x-auth-roles", "admin")
                .header("X-Other", "kept"));

        assertEquals(200, answer.statusCode());
        CountingOrigin.Request seen = origin.last("/open/page");
        assertNull(seen.header("X-Auth-User"));
        assertNull(seen.header("X-Auth-Roles"));
        assertEquals("kept", seen.header("X-Other"));
    }

    @Test
    void theRequestLogFileHasTheFingerprintAndNeverTheToken() throws Exception {
        String token = AuthTokens.hs256(good("logreader", "admin"));
        HttpResponse<String> answer = AuthTokens.getWith(gatehouse.uri("/api/whoami"), token);
        assertEquals(200, answer.statusCode());
        String gtid = answer.headers().firstValue("X-Request-ID").orElseThrow();
        Path log = gatehouse.logDir.resolve("request.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String line = null;
        while (line == null && System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                line = Files.readAllLines(log).stream().filter(l -> l.contains(" " + gtid + " ")).findFirst()
                        .orElse(null);
            }
            if (line == null) {
                Thread.sleep(20);
            }
        }
        assertTrue(line != null, "no request.log line for " + gtid);
        assertTrue(line.contains(" logreader " + TokenFingerprint.of(token) + " "), line);
        assertFalse(line.contains(token.split("\\.")[2]), line);
    }
}
