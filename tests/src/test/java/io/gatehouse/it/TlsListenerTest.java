package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.it.TlsFixture.KeyForm;
import io.gatehouse.log.RequestLogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * TLS termination on Gatehouse's listeners, over real handshakes on 127.0.0.1: every PEM key form is
 * served, SNI picks each site's certificate on a shared port, a changed certificate is served without a restart and a broken one is not, a
 * {@code redirect_http} port answers 301 to HTTPS, and {@code hsts} is sent over TLS only.
 */
@Timeout(90)
class TlsListenerTest {
    @TempDir
    Path tmp;

    private final TlsFixture pki = new TlsFixture();
    private GatehouseHarness gatehouse;
    /** The TLS port asked: the harness's, unless the test wrote its own into several files. */
    private int port;

    @AfterEach
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
    }

    /** What one HTTPS request saw: the server's certificate and the raw answer. */
    record Seen(X509Certificate leaf, String answer) {
    }

    /**
     * A {@code GET path} over a new TLS connection asking for {@code sni}; the client's session cache is
     * keyed by {@code peer}. (That a session of one site offered for another cannot carry its certificate
     * is shown in the auth module's {@code ServerTlsTest}: the JDK's client, resuming, sends the session's
     * own name, so it cannot make that request here.)
     */
    private Seen get(SSLContext client, String peer, String sni, String path) throws IOException {
        int to = port != 0 ? port : gatehouse.port;
        Socket tcp = new Socket("127.0.0.1", to);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(tcp, peer, to, true)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return new Seen((X509Certificate) socket.getSession().getPeerCertificates()[0],
                    answer.toString(StandardCharsets.ISO_8859_1));
        }
    }

    private Seen get(String sni) throws IOException {
        return get(pki.client(), sni, sni, "/");
    }

    /** Writes a site's certificate and key; {@code combined}: both in one file, no keyfile line. */
    private String sslSection(String name, X509Certificate certificate, KeyPair keys, KeyForm form, boolean combined) {
        String key = TlsFixture.keyPem(keys.getPrivate(), form);
        boolean encrypted = form == KeyForm.ENCRYPTED_PKCS8 || form == KeyForm.LEGACY_ENCRYPTED;
        String passphrase = encrypted ? "passphrase = " + TlsFixture.PASSPHRASE + "\n" : "";
        if (combined) {
            Path pem = TlsFixture.write(tmp.resolve(name + ".pem"), key + pki.chainPem(certificate));
            return "[ssl]\nenable_ssl = yes\ncertfile = " + pem + "\n" + passphrase;
        }
        Path cert = TlsFixture.write(tmp.resolve(name + ".crt"), pki.chainPem(certificate));
        Path keyfile = TlsFixture.write(tmp.resolve(name + ".key"), key);
        return "[ssl]\nenable_ssl = yes\ncertfile = " + cert + "\nkeyfile = " + keyfile + "\n" + passphrase;
    }

    static Stream<Arguments> keyForms() {
        return Stream.of(
                Arguments.of("RSA", KeyForm.PKCS1_RSA, false),
                Arguments.of("RSA", KeyForm.PKCS8, false),
                Arguments.of("EC", KeyForm.PKCS8, false),
                Arguments.of("EC", KeyForm.SEC1_EC, false),
                Arguments.of("RSA", KeyForm.ENCRYPTED_PKCS8, false),
                Arguments.of("EC", KeyForm.ENCRYPTED_PKCS8, false),
                Arguments.of("RSA", KeyForm.LEGACY_ENCRYPTED, false),
                Arguments.of("EC", KeyForm.LEGACY_ENCRYPTED, false),
                Arguments.of("RSA", KeyForm.PKCS1_RSA, true),
                Arguments.of("EC", KeyForm.SEC1_EC, true));
    }

    @ParameterizedTest(name = "{0} key as {1}, combined server.pem: {2}")
    @MethodSource("keyForms")
    void eachKeyFormIsServedOverARealHandshake(String algorithm, KeyForm form, boolean combined) throws Exception {
        KeyPair keys = TlsFixture.keyPair(algorithm);
        X509Certificate certificate = pki.issue(keys, "site.test");
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n" + sslSection("site", certificate, keys, form, combined)
                + "[routes:line]\n/ = return 200 OK\n");

        Seen seen = get("site.test");
        assertEquals(certificate, seen.leaf());
        assertTrue(seen.answer().startsWith("HTTP/1.1 200 "), seen.answer());
    }

    @Test
    void sniPicksEachSitesCertificateOnOnePortAndTheFirstFilesForAnyOtherName() throws Exception {
        KeyPair aKeys = TlsFixture.keyPair("EC");
        KeyPair bKeys = TlsFixture.keyPair("EC");
        X509Certificate a = pki.issue(aKeys, "a.test");
        X509Certificate b = pki.issue(bKeys, "b.test", "*.b.test");
        port = GatehouseHarness.freePort();
        Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(tmp.resolve("conf.d/x-b.conf"), "[server]\nport = " + port + "\n"
                + sslSection("b", b, bKeys, KeyForm.PKCS8, false) + "[routes:line]\n@ b.test *.b.test\n/ = return 200 site b\n");
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = " + port + "\n"
                + sslSection("a", a, aKeys, KeyForm.PKCS8, false) + "[routes:line]\n/ = return 200 site a\n");

        assertEquals(a, get("a.test").leaf());
        Seen sb = get("b.test");
        assertEquals(b, sb.leaf());
        assertTrue(sb.answer().endsWith("site b"), sb.answer());
        assertEquals(b, get("www.b.test").leaf());
        assertEquals(a, get("unknown.test").leaf(), "the first file's certificate is the default");

    }

    @Test
    void aChangedCertificateIsServedWithoutRestartAndABrokenOneKeepsThePrevious() throws Exception {
        Logger tlsLog = (Logger) LoggerFactory.getLogger("io.gatehouse.auth.tls.ListenerTls");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Level before = tlsLog.getLevel();
        tlsLog.setLevel(Level.INFO);
        tlsLog.addAppender(logged);
        try {
            KeyPair firstKeys = TlsFixture.keyPair("EC");
            X509Certificate first = pki.issue(firstKeys, "swap.test");
            gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n"
                    + sslSection("swap", first, firstKeys, KeyForm.PKCS8, false) + "[routes:line]\n/ = return 200 OK\n");
            assertEquals(first, get("swap.test").leaf());

            KeyPair secondKeys = TlsFixture.keyPair("RSA");
            X509Certificate second = pki.issue(secondKeys, "swap.test", "new.swap.test");
            TlsFixture.write(tmp.resolve("swap.key"), TlsFixture.keyPem(secondKeys.getPrivate(), KeyForm.PKCS8));
            TlsFixture.write(tmp.resolve("swap.crt"), pki.chainPem(second));
            awaitServed("swap.test", second);
            awaitLogged(logged, e -> e.getLevel() == Level.INFO && e.getFormattedMessage().startsWith(
                    "certificate for site.conf reloaded from " + tmp.resolve("swap.crt")));

            TlsFixture.write(tmp.resolve("swap.crt"), "not a certificate at all\n");
            awaitLogged(logged, e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(
                    "could not be loaded, kept the previous certificate"));
            assertEquals(second, get("swap.test").leaf(), "the previous certificate is still served");
            assertTrue(get("new.swap.test").answer().startsWith("HTTP/1.1 200 "));
        } finally {
            tlsLog.detachAppender(logged);
            tlsLog.setLevel(before);
        }
    }

    private void awaitServed(String sni, X509Certificate expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        X509Certificate served = get(sni).leaf();
        while (!served.equals(expected)) {
            assertTrue(System.nanoTime() < deadline, "the new certificate was not served within 20 s");
            Thread.sleep(100);
            served = get(sni).leaf();
        }
    }

    private static void awaitLogged(ListAppender<ILoggingEvent> logged, Predicate<ILoggingEvent> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (List.copyOf(logged.list).stream().noneMatch(wanted)) {
            assertTrue(System.nanoTime() < deadline, "not logged: " + logged.list);
            Thread.sleep(50);
        }
    }

    @Test
    void aRedirectHttpPortAnswers301ToHttpsAndIsLoggedWithoutHsts() throws Exception {
        KeyPair keys = TlsFixture.keyPair("EC");
        int redirect = GatehouseHarness.freePort();
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n"
                + sslSection("r", pki.issue(keys, "example.test"), keys, KeyForm.PKCS8, false)
                + "redirect_http = " + redirect + "\nhsts = 31536000\n[routes:line]\n/ = return 200 OK\n");

        String answer;
        try (RawHttp http = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", redirect))) {
            answer = http.send("GET /a/b%20c?x=1&y=2 HTTP/1.1\r\nHost: example.test:" + redirect
                    + "\r\nConnection: close\r\n\r\n").readAll();
        }
        assertTrue(answer.startsWith("HTTP/1.1 301 "), answer);
        assertTrue(answer.contains("\r\nLocation: https://example.test:" + gatehouse.port + "/a/b%20c?x=1&y=2\r\n"), answer);
        assertFalse(answer.toLowerCase().contains("strict-transport-security"), "never over plain HTTP: " + answer);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Predicate<RequestLogRecord> redirected = l -> l.status() == 301 && l.url().equals("/a/b%20c?x=1&y=2");
        while (gatehouse.assembly().requestLog().latest(20).stream().noneMatch(redirected)) {
            assertTrue(System.nanoTime() < deadline, "not logged: " + gatehouse.assembly().requestLog().latest(20));
            Thread.sleep(20);
        }
    }

    @Test
    void hstsIsSentOnTlsAnswersAndNotOnPlainHttp() throws Exception {
        KeyPair keys = TlsFixture.keyPair("EC");
        int plain = GatehouseHarness.freePort();
        Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(tmp.resolve("conf.d/plain.conf"), "[server]\nport = " + plain
                + "\n[ssl]\nhsts = 600\n[routes:line]\n/ = return 200 plain\n");
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n"
                + sslSection("h", pki.issue(keys, "localhost"), keys, KeyForm.PKCS8, false)
                + "hsts = 31536000\n[routes:line]\n/ = return 200 OK\n");
        HttpClient client = HttpClient.newBuilder().sslContext(pki.client()).build();

        HttpResponse<String> tls = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gatehouse.port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(Optional.of("max-age=31536000"), tls.headers().firstValue("strict-transport-security"));
        HttpResponse<String> http = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("plain", http.body());
        assertEquals(Optional.empty(), http.headers().firstValue("strict-transport-security"));
    }
}
