package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.auth.tls.ClientCertChecks;
import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.upstream.TestCa;
import io.gatehouse.upstream.TlsMember;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client certificates towards members that require them ({@code client_cert}, {@code client_key},
 * {@code client_key_passphrase}), and TLS member connections pooled like plain ones. The member is a
 * {@link TlsMember} on 127.0.0.1 whose certificate {@code CA} signed for {@code localhost}, and which
 * completes a handshake only with a client certificate {@code CLIENTS} signed.
 */
@Timeout(60)
class UpstreamClientCertTest {
    private static final TestCa CA = TestCa.create("Gatehouse Test CA");
    private static final TestCa CLIENTS = TestCa.create("Gatehouse Clients CA");
    private static final TestCa.Issued GATEHOUSE = CLIENTS.issueClient("gatehouse");
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path tmp;

    private Path caFile;
    private TlsMember member;
    private GatehouseHarness gatehouse;
    private HttpClient client;
    private CapturedLog log;

    /** How the client certificate and key are written. */
    enum Layout {
        /** {@code client_cert} and {@code client_key}, an unencrypted PKCS#8 key. */
        SEPARATE,
        /** The key after the certificate in one file, as the seed's {@code server.pem}: {@code client_cert} only. */
        COMBINED,
        /** An encrypted PKCS#8 key with {@code client_key_passphrase}. */
        ENCRYPTED
    }

    @BeforeEach
    void start() {
        caFile = CA.writePem(tmp.resolve("internal-ca.pem"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        log = new CapturedLog();
    }

    @AfterEach
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (member != null) {
            member.close();
        }
        log.close();
    }

    /**
     * Without {@code client_cert} the member refuses Gatehouse: the client gets the JSON 502 and the log
     * says why. Over TLS 1.2 the refusal ends the handshake (the connector's warning, with a hint); over
     * TLS 1.3 the client's side of the handshake is over before the member judges the certificate, so
     * the alert ends the request instead (the proxy's error line).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withoutAClientCertificateTheMemberRefusesGatehouseAndTheClientGetsA502WithTheReasonLogged(boolean tls12)
            throws Exception {
        member = TlsMember.requiringClientCertificate(CA.issue("localhost"), "secret", CLIENTS, tls12);
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n");
        HttpResponse<String> r = get("/");
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"status\":502,"), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(0, member.handshakes(), "the member never completed a handshake");
        String logged = String.join("\n", log.problems());
        assertTrue(logged.contains("localhost:" + member.port()), logged);
        if (tls12) {
            assertTrue(logged.contains("TLS with upstream https://localhost:" + member.port() + " (ca " + caFile
                    + ") failed: ") && logged.contains(" after asking for a client certificate; the cluster shows none"
                    + " (set client_cert)"), logged);
        } else {
            assertTrue(logged.contains("bad_certificate") || logged.contains("certificate_required"), logged);
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void withAClientCertificateTheMemberTakesGatehouse(Layout layout) throws Exception {
        member = TlsMember.requiringClientCertificate(CA.issue("localhost"), "for gatehouse only", CLIENTS, false);
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n"
                + clientCertKeys(GATEHOUSE, "gatehouse", layout));
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("for gatehouse only", r.body());
        assertEquals(List.of("CN=gatehouse"), member.clientNames());
        assertEquals(List.of(), log.problems());
    }

    /**
     * Forty requests, each on a new client connection (so spread over both event loops), reach the member
     * through at most one TLS connection per event loop: member connections are kept and reused, not
     * made per request. Through one kept-alive client connection, forty requests make one handshake.
     */
    @Test
    void tlsMemberConnectionsArePooledAcrossRequests() throws Exception {
        member = TlsMember.requiringClientCertificate(CA.issue("localhost"), "pooled", CLIENTS, false);
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\nprocesses = 2\n[routes:line]\n/ = @tls\n"
                + "[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n"
                + clientCertKeys(GATEHOUSE, "gatehouse", Layout.SEPARATE));
        for (int i = 0; i < 40; i++) {
            String answer = getOnNewConnection("/fresh/" + i);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("pooled"), answer);
        }
        int afterFresh = member.handshakes();
        assertTrue(afterFresh >= 1 && afterFresh <= 2, "at most one member connection per event loop, got "
                + afterFresh + " handshakes for 40 requests");
        for (int i = 0; i < 40; i++) {
            assertEquals(200, get("/kept/" + i).statusCode());
        }
        assertTrue(member.handshakes() <= 2, "the kept-alive client's requests reused the pooled connections, got "
                + member.handshakes() + " handshakes in all");
        assertEquals(List.of(), log.problems());
    }

    @Test
    void clustersShowingDifferentClientCertificatesNeverShareAConnection() throws Exception {
        TestCa.Issued other = CLIENTS.issueClient("other");
        member = TlsMember.requiringClientCertificate(CA.issue("localhost"), "hello", CLIENTS, false);
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n[routes:line]\n/a = @a\n/b = @b\n"
                + "[@a]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n"
                + clientCertKeys(GATEHOUSE, "gatehouse", Layout.SEPARATE)
                + "[@b]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n"
                + clientCertKeys(other, "other", Layout.SEPARATE));
        for (String path : List.of("/a", "/b", "/a", "/b", "/a")) {
            assertEquals(200, get(path).statusCode(), path);
        }
        assertEquals(List.of("CN=gatehouse", "CN=other"), member.clientNames(),
                "one connection per client certificate, each kept for its own cluster");
    }

    /** A renewed certificate in the same file is shown on new connections from the next load on; the old ones drain. */
    @Test
    void aRenewedClientCertificateIsShownOnNewConnectionsAfterTheNextLoad() throws Exception {
        member = TlsMember.requiringClientCertificate(CA.issue("localhost"), "hello", CLIENTS, false);
        gatehouse = start("[@tls]\nmembers = localhost:" + member.port() + "\nssl = yes\nca = " + caFile + "\n"
                + clientCertKeys(GATEHOUSE, "gatehouse", Layout.COMBINED));
        assertEquals(200, get("/").statusCode());
        assertEquals(200, get("/").statusCode());

        TestCa.Issued renewed = CLIENTS.issueClient("gatehouse-renewed");
        clientCertKeys(renewed, "gatehouse", Layout.COMBINED);
        LoadOutcome reloaded = ConfLoader.load(gatehouse.confDir, Map.of(),
                List.of(new ClientCertChecks(Clock.systemUTC())));
        assertEquals(List.of(), gatehouse.assembly().apply(reloaded.config().orElseThrow()));
        assertEquals(200, get("/").statusCode());
        assertEquals(200, get("/").statusCode());
        assertEquals(List.of("CN=gatehouse", "CN=gatehouse-renewed"), member.clientNames(),
                "one connection before the renewal, one after, each reused");
    }

    static Stream<Arguments> brokenClientCertificates() {
        return Stream.of(
                Arguments.of("wrong passphrase", false, "client_key_passphrase = not the passphrase\n", 10,
                        "[@tls] client_key %KEY%: wrong passphrase"),
                Arguments.of("no passphrase", false, "", 9,
                        "[@tls] client_key %KEY% is encrypted: set client_key_passphrase"),
                Arguments.of("mismatched key", true, "", 9, "[@tls] the private key does not match the certificate's"
                        + " public key (the key in client_key %KEY%, the first certificate in client_cert %CERT%"));
    }

    /** {@code gatehouse check} (the loader with the auth module's check) names the key's line and says what is wrong. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenClientCertificates")
    void checkReportsABrokenClientCertificateAtTheKeysLine(String what, boolean anotherKey, String passphrase, int line,
                                                           String message) throws Exception {
        Path cert = write("gatehouse.crt", GATEHOUSE.chainPem());
        Path key = write("gatehouse.key", anotherKey ? CLIENTS.issueClient("x").keyPem() : encrypted(GATEHOUSE, PASSPHRASE));
        Path conf = site("[server]\nport = 8080\n[routes:line]\n/ = @tls\n"
                + "[@tls]\nmembers = localhost:8443\nssl = yes\nclient_cert = " + cert + "\nclient_key = " + key + "\n"
                + passphrase);
        List<String> problems = check(conf);
        String expected = conf.resolve("site.conf") + ":" + line + ": "
                + message.replace("%KEY%", key.toString()).replace("%CERT%", cert.toString());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(expected), problems.get(0));
    }

    @Test
    void checkReportsAMissingClientCertificateFileAndWarnsAboutAnExpiredOne() throws Exception {
        Path missing = tmp.resolve("nowhere.crt");
        Path conf = site("[server]\nport = 8080\n[routes:line]\n/ = @tls\n"
                + "[@tls]\nmembers = localhost:8443\nssl = yes\nclient_cert = " + missing + "\n");
        assertEquals(List.of(conf.resolve("site.conf") + ":8: [@tls] client_cert file " + missing + " does not exist"),
                check(conf));

        TestCa.Issued expired = CLIENTS.issueExpired("gatehouse-old");
        Path cert = write("old.pem", expired.chainPem() + expired.keyPem());
        Files.delete(conf.resolve("site.conf"));
        conf = site("[server]\nport = 8080\n[routes:line]\n/ = @tls\n"
                + "[@tls]\nmembers = localhost:8443\nssl = yes\nclient_cert = " + cert + "\n");
        List<String> problems = check(conf);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(conf.resolve("site.conf") + ":8: warning: [@tls] client_cert " + cert
                + ": the certificate"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("expired on")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("not for client authentication")), problems.toString());
    }

    private List<String> check(Path conf) {
        LoadOutcome outcome = ConfLoader.load(conf, Map.of(), List.of(new ClientCertChecks(Clock.systemUTC())));
        return outcome.problems().stream().map(Object::toString).toList();
    }

    private Path site(String text) throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("check.d"));
        Files.writeString(conf.resolve("site.conf"), text);
        return conf;
    }

    /** The cluster keys that show {@code cert}, written in {@code layout} under files named {@code name}. */
    private String clientCertKeys(TestCa.Issued cert, String name, Layout layout) {
        switch (layout) {
            case SEPARATE:
                return "client_cert = " + write(name + ".crt", cert.chainPem()) + "\nclient_key = "
                        + write(name + ".key", cert.keyPem()) + "\n";
            case COMBINED:
                return "client_cert = " + write(name + ".pem", cert.chainPem() + cert.keyPem()) + "\n";
            default:
                return "client_cert = " + write(name + ".crt", cert.chainPem()) + "\nclient_key = "
                        + write(name + ".key", encrypted(cert, PASSPHRASE)) + "\nclient_key_passphrase = " + PASSPHRASE
                        + "\n";
        }
    }

    private static String encrypted(TestCa.Issued cert, String passphrase) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(cert.key(), new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setPassword(passphrase.toCharArray()).build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(tmp.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private GatehouseHarness start(String cluster) {
        return GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n[routes:line]\n/ = @tls\n" + cluster);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.sendAsync(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
    }

    /** One request on a connection of its own, which Gatehouse closes after the answer. */
    private String getOnNewConnection(String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gatehouse.port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
