package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.admin.api.AdminContext;
import io.gatehouse.admin.api.AdminServer;
import io.gatehouse.admin.security.LoginThrottle;
import io.gatehouse.admin.security.SpecCredentials;
import io.gatehouse.app.Assembly;
import io.gatehouse.config.model.AdminSpec;
import io.gatehouse.config.model.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener's defences, each on a Gatehouse of its own (they change state for the address every
 * test comes from): login throttling, the end of a session, and TLS. Time-dependent rules run on a second
 * admin listener over the same Gatehouse's parts with a clock the test moves.
 */
@Timeout(60)
class AdminSecurityTest {
    @TempDir
    Path tmp;

    @Test
    void afterThreeFailedLoginsFurtherAttemptsAreAnswered429WithRetryAfter() throws Exception {
        try (AdminConsole admin = AdminConsole.start(tmp, "", null)) {
            for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
                assertEquals(401, admin.login("alice", "guess " + i).statusCode(), "failure " + (i + 1));
            }
            HttpResponse<String> refused = admin.login("alice", AdminConsole.PASSWORD);
            assertEquals(429, refused.statusCode(), refused.body());
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= LoginThrottle.FIRST_WAIT.toSeconds(), "Retry-After " + retryAfter);
            assertEquals(429, AdminApiTest.json(refused).get("status").asInt());
            // scripts with the token are not held back by the browser's guessing
            assertEquals(200, admin.getWithToken("/api/pools").statusCode());
        }
    }

    /** A clock the test moves. */
    static final class SetClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T12:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    /** A second admin listener over a running Gatehouse's parts, on a clock the test moves. */
    static AdminServer onClock(AdminConsole admin, SetClock clock, int port) {
        Assembly a = admin.gatehouse.assembly();
        AdminSpec configured = a.runtime().config().admin().orElseThrow();
        AdminSpec spec = new AdminSpec(configured.pos(), new HostPort("127.0.0.1", port), configured.user(),
                configured.passwordHash(), configured.token(), Duration.ofMinutes(30), Optional.empty(),
                Optional.empty(), "", 0, configured.keys());
        AdminContext context = new AdminContext(a.pool(), a::runtime, a::address, a.requestLog(), a::cache, a.reloads(),
                a.metrics(), new SpecCredentials(spec));
        return AdminServer.start(spec, context, clock, new SecureRandom());
    }

    @Test
    void aSessionEndsAfterSessionTimeoutWithoutUseAndTwelveHoursAfterLoginAtMost() throws Exception {
        SetClock clock = new SetClock();
        int port = GatehouseHarness.freePort();
        try (AdminConsole admin = AdminConsole.start(tmp, "", null);
             AdminServer server = onClock(admin, clock, port)) {
            HttpClient client = HttpClient.newHttpClient();
            URI session = URI.create("http://127.0.0.1:" + port + "/api/session");
            String cookie = login(client, port);
            clock.advance(Duration.ofMinutes(29));
            assertEquals(200, status(client, session, cookie), "used within session_timeout");
            clock.advance(Duration.ofMinutes(30));
            assertEquals(401, status(client, session, cookie), "30 minutes without use");
            assertEquals(401, status(client, session, cookie), "and it stays ended");

            String busy = login(client, port);
            for (int i = 0; i < 12 * 3 - 1; i++) {
                clock.advance(Duration.ofMinutes(20));
                assertEquals(200, status(client, session, busy), "in use after " + (i + 1) * 20 + " min");
            }
            clock.advance(Duration.ofMinutes(20));
            assertEquals(401, status(client, session, busy), "12 hours after login, however busy");
        }
    }

    @Test
    void theWaitAfterFailedLoginsDoublesWithEachFurtherFailureAndASuccessClearsIt() throws Exception {
        SetClock clock = new SetClock();
        int port = GatehouseHarness.freePort();
        try (AdminConsole admin = AdminConsole.start(tmp, "", null);
             AdminServer server = onClock(admin, clock, port)) {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                assertEquals(401, loginStatus(client, port, "wrong").statusCode());
            }
            HttpResponse<String> held = loginStatus(client, port, AdminConsole.PASSWORD);
            assertEquals(429, held.statusCode());
            assertEquals("30", held.headers().firstValue("Retry-After").orElseThrow());
            clock.advance(Duration.ofSeconds(30));
            assertEquals(401, loginStatus(client, port, "wrong").statusCode());
            assertEquals("60", loginStatus(client, port, "wrong").headers().firstValue("Retry-After").orElseThrow());
            for (int wait : new int[] {60, 120, 240, 300, 300}) {
                clock.advance(Duration.ofSeconds(wait));
                assertEquals(401, loginStatus(client, port, "wrong").statusCode());
            }
            HttpResponse<String> capped = loginStatus(client, port, AdminConsole.PASSWORD);
            assertEquals("300", capped.headers().firstValue("Retry-After").orElseThrow(), "at most 5 minutes");
            clock.advance(Duration.ofSeconds(300));
            assertEquals(200, loginStatus(client, port, AdminConsole.PASSWORD).statusCode());
            assertEquals(401, loginStatus(client, port, "wrong").statusCode(), "a success cleared the count");
            assertEquals(401, loginStatus(client, port, "wrong").statusCode());
        }
    }

    static HttpResponse<String> loginStatus(HttpClient client, int port, String password) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString("user=alice&password=" + password.replace(" ", "+")))
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
    }

    static String login(HttpClient client, int port) throws Exception {
        HttpResponse<String> r = loginStatus(client, port, AdminConsole.PASSWORD);
        assertEquals(200, r.statusCode(), r.body());
        return AdminConsole.cookie(r).orElseThrow();
    }

    static int status(HttpClient client, URI uri, String cookie) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anAdminPortThatIsTakenStopsTheStartWithTheReason() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String conf = "[server]\nip = 127.0.0.1\nport = ${PORT}\n[routes:line]\n/ = return 200 OK\n[admin]\nport = "
                    + taken.getLocalPort() + "\ntoken = " + AdminConsole.TOKEN + "\n";
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> GatehouseHarness.start(tmp, conf));
            assertTrue(e.getMessage().contains("[admin] cannot serve the admin console on 127.0.0.1:"
                    + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void theAdminListenerSpeaksTlsWithTheConfiguredCertificate() throws Exception {
        TlsFixture tls = new TlsFixture();
        KeyPair keys = TlsFixture.keyPair("EC");
        X509Certificate cert = tls.issue(keys, "localhost");
        Path certfile = TlsFixture.write(tmp.resolve("admin.crt"), tls.chainPem(cert));
        Path keyfile = TlsFixture.write(tmp.resolve("admin.key"), TlsFixture.keyPem(keys.getPrivate(),
                TlsFixture.KeyForm.PKCS8));
        try (AdminConsole admin = AdminConsole.start(tmp, "certfile = " + certfile + "\nkeyfile = " + keyfile,
                tls.client())) {
            HttpResponse<String> login = admin.login("alice", AdminConsole.PASSWORD);
            assertEquals(200, login.statusCode(), login.body());
            SSLSession session = login.sslSession().orElseThrow();
            assertEquals(cert, session.getPeerCertificates()[0]);
            assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"), "a Secure cookie");
            assertTrue(admin.gatehouse.assembly().admin().orElseThrow().sslContext().isPresent());
            assertEquals(200, admin.getWithToken("/api/pools").statusCode());
        }
    }
}
