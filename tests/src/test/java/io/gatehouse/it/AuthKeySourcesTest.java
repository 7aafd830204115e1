package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where keys and tokens come from, and how they change while Gatehouse serves (issue 11): a JWKS file
 * that changes is picked up, a JWKS URL that fails keeps the last good set, and opaque tokens from a
 * token file expire and are picked up when the file changes.
 */
class AuthKeySourcesTest {
    @TempDir
    Path tmp;
    CountingOrigin origin;
    GatehouseHarness gatehouse;

    @BeforeEach
    void startOrigin() {
        origin = CountingOrigin.start();
        origin.on("/api/x", CountingOrigin.Answer.ok("ok"));
    }

    @AfterEach
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        origin.close();
    }

    private void startGatehouse(String gatewayKeys) {
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [api-gateway]
                enable_gateway = yes
                authenticate = yes
                %s

                [routes:line]
                /api = @api

                [@api]
                members = %s
                roles = user
                """.formatted(gatewayKeys, origin.address()));
    }

    private int status(String token) {
        return AuthTokens.getWith(gatehouse.uri("/api/x"), token).statusCode();
    }

    /** Polls {@code status} until it gives {@code expected}, for at most 20 s; returns the last status. */
    private static int await(int expected, IntSupplier status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int last = status.getAsInt();
        while (last != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = status.getAsInt();
        }
        return last;
    }

    @Test
    void aJwksFileThatChangesIsPickedUpAndTheRemovedKeyStopsWorking() throws Exception {
        RSAKey first = AuthTokens.rsa("k1");
        RSAKey rotated = AuthTokens.rsa("k2");
        Path jwks = AuthTokens.writeJwks(tmp.resolve("jwks.json"), first);
        startGatehouse("jwks = jwks.json\ntoken_cache = 1s");
        AtomicInteger n = new AtomicInteger();
        IntSupplier withFirst = () -> status(AuthTokens.rs256(first, AuthTokens.claims("u" + n.incrementAndGet(), "user").build()));
        IntSupplier withRotated = () -> status(AuthTokens.rs256(rotated, AuthTokens.claims("v" + n.incrementAndGet(), "user").build()));
        assertEquals(200, withFirst.getAsInt(), "relative jwks paths are read beside conf.d");
        assertEquals(401, withRotated.getAsInt());

        AuthTokens.writeJwks(jwks, rotated);

        assertEquals(200, await(200, withRotated), "the new key is used once the file changed");
        assertEquals(401, await(401, withFirst), "the key no longer in the file is refused");
    }

    @Test
    void aJwksUrlThatFailsKeepsTheLastGoodSet() throws Exception {
        RSAKey key = AuthTokens.rsa("k1");
        AtomicReference<String> body = new AtomicReference<>(new JWKSet(key.toPublicJWK()).toString());
        AtomicInteger answer = new AtomicInteger(200);
        AtomicInteger fetches = new AtomicInteger();
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        idp.start();
        try {
            startGatehouse("jwks = http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json\n"
                    + "jwks_refresh = 1s\ntoken_cache = 0");
            AtomicInteger n = new AtomicInteger();
            IntSupplier fresh = () -> status(AuthTokens.rs256(key, AuthTokens.claims("u" + n.incrementAndGet(), "user").build()));
            assertEquals(200, fresh.getAsInt());
            int fetchedBefore = fetches.get();

            answer.set(500);
            body.set("{\"error\":\"down\"}");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (fetches.get() < fetchedBefore + 2 && System.nanoTime() < deadline) {
                fresh.getAsInt(); // a request is what notices that a fetch is due
                Thread.sleep(100);
            }
            assertTrue(fetches.get() >= fetchedBefore + 2, "the URL was fetched again (and failed)");
            assertEquals(200, fresh.getAsInt(), "tokens are still checked with the last good set");
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void opaqueTokensExpireAndAreReadAgainWhenTheFileChanges() throws Exception {
        Path tokens = tmp.resolve("tokens.txt");
        Files.writeString(tokens, """
                # TOKEN                 USER   ROLES        EXPIRES
                alice-token-0001        alice  user,admin   0
                bob-token-0002          bob    user         2001-09-09T01:46:40Z
                dave-token-0004         dave   reader       0
                """);
        startGatehouse("token_file = tokens.txt\ntoken_cache = 1s");

        assertEquals(200, status("alice-token-0001"));
        CountingOrigin.Request seen = origin.last("/api/x");
        assertEquals("alice", seen.header("X-Auth-User"));
        assertEquals("user,admin", seen.header("X-Auth-Roles"));
        assertEquals(401, status("bob-token-0002"), "an expired opaque token");
        assertEquals(403, status("dave-token-0004"), "a good opaque token without the role");
        assertEquals(401, status("carol-token-0003"), "not in the file yet");

        Path next = tmp.resolve("tokens.next");
        Files.writeString(next, "carol-token-0003 carol user 0\n");
        Files.move(next, tokens, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        assertEquals(200, await(200, () -> status("carol-token-0003")), "the new token is read");
        assertEquals(401, await(401, () -> status("alice-token-0001")), "the token taken out of the file is refused");
        assertEquals("carol", origin.received("/api/x").stream().map(r -> r.header("X-Auth-User"))
                .filter("carol"::equals).findFirst().orElse(null));
    }

    @Test
    void aSiteWithOnlyPublicKeysRefusesAnHs256TokenWhateverItIsSignedWith() throws Exception {
        RSAKey key = AuthTokens.rsa("k1");
        AuthTokens.writeJwks(tmp.resolve("jwks.json"), key);
        startGatehouse("jwks = jwks.json");
        String hs = AuthTokens.hs256(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                AuthTokens.claims("mallory", "user").build());
        var answer = AuthTokens.getWith(gatehouse.uri("/api/x"), hs);
        assertEquals(401, answer.statusCode());
        assertEquals(0, origin.requests("/api/x"));
    }
}
