package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.upstream.TestCa;
import io.gatehouse.upstream.TlsMember;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * TLS to members through the whole Gatehouse: a member's certificate must be for the name the
 * configuration gives it ({@code localhost}, which the system resolver maps to 127.0.0.1) and signed by
 * a CA the cluster trusts ({@code ca = FILE}, else the system trust store); {@code verify = no} takes
 * anything. A refusal is a 502 with a JSON body and its reason in Gatehouse's log as a warning. The
 * members are {@link TlsMember}s on 127.0.0.1 with certificates from test CAs made for this class.
 */
@Timeout(60)
class UpstreamTlsTest {
    private static final TestCa CA = TestCa.create("Gatehouse Test CA");
    private static final TestCa UNKNOWN_CA = TestCa.create("Unknown Test CA");

    @TempDir
    Path tmp;

    private Path caFile;
    private TlsMember member;
    private GatehouseHarness gatehouse;
    private HttpClient client;
    private Logger gatehouseLog;
    private ListAppender<ILoggingEvent> logged;
    private Level levelBefore;

    @BeforeEach
    void start() {
        caFile = CA.writePem(tmp.resolve("internal-ca.pem"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        gatehouseLog = (Logger) LoggerFactory.getLogger("io.gatehouse");
        levelBefore = gatehouseLog.getLevel();
        gatehouseLog.setLevel(Level.INFO); // whatever the logging configuration says, the warnings asserted on get through
        logged = new ListAppender<>();
        logged.start();
        gatehouseLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (member != null) {
            member.close();
        }
        gatehouseLog.detachAppender(logged);
        gatehouseLog.setLevel(levelBefore);
    }

    @Test
    void aCertificateForTheMemberNameFromTheClustersCaIsAccepted() throws Exception {
        member = TlsMember.start(CA.issue("localhost"), "hello over TLS");
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n");
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hello over TLS", r.body());
        assertEquals(List.of("localhost"), member.serverNames(), "the member's name went as SNI");
        assertEquals(List.of(), warnings());
        assertEquals(200, get("/again").statusCode());
        assertEquals(1, member.handshakes(), "the connection was kept and reused");
    }

    @Test
    void aCertificateForAnotherNameIsRefusedWith502AndTheReasonLogged() throws Exception {
        member = TlsMember.start(CA.issue("other.test"), "should not be seen");
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n");
        assertRefused(get("/"));
        assertEquals(List.of("TLS with upstream https://localhost:" + member.port() + " (ca " + caFile + ") failed:"
                + " certificate for other.test does not match member name localhost"), warnings());
        assertEquals(0, member.handshakes());
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefused() throws Exception {
        member = TlsMember.start(UNKNOWN_CA.issue("localhost"), "should not be seen");
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n");
        assertRefused(get("/"));
        assertEquals(List.of("TLS with upstream https://localhost:" + member.port() + " (ca " + caFile + ") failed:"
                + " certificate for localhost (issued by CN=Unknown Test CA) is not signed by a CA in ca " + caFile),
                warnings());
    }

    @Test
    void withoutCaTheSystemTrustStoreDecidesForClustersAndHttpsTargets() throws Exception {
        member = TlsMember.start(CA.issue("localhost"), "should not be seen");
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n[routes:line]\n/ = @tls\n"
                + "/direct = https://localhost:" + member.port() + "\n"
                + "[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\n");
        assertRefused(get("/"));
        assertRefused(get("/direct"));
        String reason = "TLS with upstream https://localhost:" + member.port() + " failed: certificate for localhost"
                + " (issued by CN=Gatehouse Test CA) is not signed by a CA in the system trust store";
        assertEquals(List.of(reason, reason), warnings());
    }

    @Test
    void verifyNoTakesAnyCertificateAndIsWarnedAboutAtStart() throws Exception {
        member = TlsMember.start(UNKNOWN_CA.issue("other.test"), "hello anyway");
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nverify = no\n");
        List<String> atStart = warnings();
        assertEquals(1, atStart.size(), atStart.toString());
        assertTrue(atStart.get(0).startsWith("[@tls] verify = no (" + gatehouse.confDir.resolve("site.conf") + ":"),
                atStart.get(0));
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("hello anyway", r.body());
        assertEquals(List.of("localhost"), member.serverNames());
        assertEquals(atStart, warnings(), "nothing more to warn about");
    }

    @Test
    void clustersCheckingOneAddressDifferentlyNeverShareAConnection() throws Exception {
        member = TlsMember.start(CA.issue("other.test"), "hello");
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n[routes:line]\n/open = @open\n/strict = @strict\n"
                + "[@open]\nmembers = localhost:" + member.port() + "\nssl = yes\nverify = no\n"
                + "[@strict]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n");
        assertEquals(200, get("/open").statusCode());
        assertRefused(get("/strict")); // the idle connection @open made is not @strict's to use
        assertEquals(200, get("/open").statusCode());
        assertEquals(1, member.handshakes(), "@open reused its own connection");
    }

    private GatehouseHarness start(String cluster) {
        return GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n[routes:line]\n/ = @tls\n" + cluster);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.sendAsync(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
    }

    private static void assertRefused(HttpResponse<String> r) {
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"status\":502,"), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
