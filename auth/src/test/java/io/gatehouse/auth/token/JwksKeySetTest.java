package io.gatehouse.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwksKeySetTest {
    static final RSAKey KEY = JwtVerifierTest.rsa("k1");
    static final RSAKey ROTATED = JwtVerifierTest.rsa("k2");

    HttpServer server;
    AtomicReference<String> body = new AtomicReference<>();
    AtomicInteger status = new AtomicInteger(200);
    AtomicInteger fetches = new AtomicInteger();
    ExecutorService executor;
    MutableClock clock = new MutableClock(JwtVerifierTest.NOW);

    @BeforeEach
    void start() throws Exception {
        body.set(new JWKSet(KEY.toPublicJWK()).toString());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    @Test
    void aFetchThatFailsKeepsTheLastGoodSetAndAFetchThatWorksAgainReplacesIt() throws Exception {
        JwksKeySet keys = new JwksKeySet(url(), Duration.ofMinutes(5), clock, executor);
        JwtVerifier verifier = new JwtVerifier(new JwtSpec(Set.of("RS256"), null, url(), Duration.ofMinutes(5),
                null, null, null, null, null, false), keys, clock);
        String token = JwtVerifierTest.sign(JWSAlgorithm.RS256, "k1", JwtVerifierTest.rsaSigner(KEY),
                JwtVerifierTest.claims().expirationTime(JwtVerifierTest.at(3600)).build());
        String rotatedToken = JwtVerifierTest.sign(JWSAlgorithm.RS256, "k2", JwtVerifierTest.rsaSigner(ROTATED),
                JwtVerifierTest.claims().expirationTime(JwtVerifierTest.at(3600)).build());

        keys.refresh().get(10, TimeUnit.SECONDS);
        assertTrue(verifier.verify(token).verified());

        status.set(500);
        clock.advance(Duration.ofMinutes(6));
        int before = fetches.get();
        verifier.verify(token); // due: starts a fetch in the background
        Await.until("the failing fetch was made and recorded", () -> fetches.get() > before && keys.lastProblem() != null);
        assertEquals("jwks " + url() + ": IOException: answered 500 (keeping the last good set)", keys.lastProblem());
        assertTrue(verifier.verify(token).verified(), "the last good set is still used");

        status.set(200);
        body.set(new JWKSet(List.of(KEY.toPublicJWK(), ROTATED.toPublicJWK())).toString());
        clock.advance(Duration.ofMinutes(6));
        keys.refresh().get(10, TimeUnit.SECONDS);
        assertNull(keys.lastProblem());
        assertTrue(verifier.verify(rotatedToken).verified());
    }

    @Test
    void keysAreFetchedAgainOnlyAfterTheCacheTime() {
        Queue<Runnable> queued = new ArrayDeque<>();
        JwksKeySet keys = new JwksKeySet(url(), Duration.ofMinutes(5), clock, queued::add);
        keys.refresh();
        queued.poll().run();
        assertEquals(1, fetches.get());

        clock.advance(Duration.ofMinutes(4));
        for (int i = 0; i < 5; i++) {
            assertNotNull(keys.current());
        }
        assertEquals(0, queued.size(), "nothing due within the cache time");

        clock.advance(Duration.ofMinutes(1));
        assertNotNull(keys.current(), "the held set answers while the new fetch is pending");
        assertEquals(1, queued.size(), "due after the cache time");
        queued.poll().run();
        assertEquals(2, fetches.get());
    }

    @Test
    void anUnknownKeyIdFetchesTheSetEarlyAtMostOncePerGap() {
        Queue<Runnable> queued = new ArrayDeque<>();
        JwksKeySet keys = new JwksKeySet(url(), Duration.ofMinutes(5), clock, queued::add);
        JwtVerifier verifier = new JwtVerifier(new JwtSpec(Set.of("RS256"), null, url(), Duration.ofMinutes(5),
                null, null, null, null, null, false), keys, clock);
        String rotatedToken = JwtVerifierTest.sign(JWSAlgorithm.RS256, "k2", JwtVerifierTest.rsaSigner(ROTATED),
                JwtVerifierTest.claims().expirationTime(JwtVerifierTest.at(3600)).build());
        keys.refresh();
        queued.poll().run();

        clock.advance(JwksKeySet.EARLY_RELOAD_GAP.minusSeconds(1));
        assertEquals(new TokenVerdict.Refused("unknown key id"), verifier.verify(rotatedToken));
        assertEquals(0, queued.size(), "not within the gap after the last load");

        body.set(new JWKSet(List.of(KEY.toPublicJWK(), ROTATED.toPublicJWK())).toString());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new TokenVerdict.Refused("unknown key id"), verifier.verify(rotatedToken));
        assertEquals(1, queued.size(), "an early load, well before the 5 min cache time");
        queued.poll().run();
        assertTrue(verifier.verify(rotatedToken).verified());
    }

    @Test
    void theCallerNeverLoadsTheKeysItself() {
        Queue<Runnable> queued = new ArrayDeque<>();
        JwksKeySet keys = new JwksKeySet(url(), Duration.ofMinutes(5), clock, queued::add);

        assertNull(keys.current(), "nothing loaded on the calling thread");
        assertEquals(0, fetches.get());
        assertEquals(1, queued.size(), "one load handed to the executor");
        assertNull(keys.current());
        assertEquals(1, queued.size(), "no second load while one is pending");

        queued.poll().run();
        assertEquals(1, fetches.get());
        assertEquals(Set.of("k1"), Set.of(keys.current().getKeys().get(0).getKeyID()));
    }
}
