package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.auth.tls.PemKeyMaterial;
import io.gatehouse.auth.tls.PemLoad;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code gatehouse cert HOST...} as an operator runs it, through the packaged jar: it writes a
 * self-signed certificate and an owner-only key that load as an {@code [ssl]} section's would, prints the
 * lines to paste and the expiry, keeps existing files unless {@code --force}, and answers bad arguments
 * with a message and exit status 2.
 */
@Timeout(120)
class CertCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private Run gatehouse(String... args) throws Exception {
        assertTrue(Files.isRegularFile(CommandLineTest.JAR), "the reactor builds " + CommandLineTest.JAR + " before the tests");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m", "-jar", CommandLineTest.JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gatehouse " + String.join(" ", args) + " ends by itself");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void writesACertificateAndAnOwnerOnlyKeyThatLoadAndServeTheHostsAndPrintsTheSslLines() throws Exception {
        Run run = gatehouse("cert", "localhost", "127.0.0.1", "--out", "site-certs");
        assertEquals(0, run.exit(), run.err());
        Path crt = tmp.resolve("site-certs/localhost.crt");
        Path key = tmp.resolve("site-certs/localhost.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        PemLoad load = PemKeyMaterial.load(crt, key, null, Clock.systemUTC());
        PemKeyMaterial material = assertInstanceOf(PemLoad.Loaded.class, load, load.toString()).material();
        assertEquals(List.of(), load.warnings());
        assertEquals("EC", material.keyType());
        assertTrue(material.serves("localhost"));
        X509Certificate leaf = material.leaf();
        assertEquals(leaf.getSubjectX500Principal(), leaf.getIssuerX500Principal(), "self-signed");
        assertTrue(leaf.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")),
                "the IP address is among the names");

        assertTrue(run.out().contains("\n[ssl]\nenable_ssl = yes\ncertfile = " + crt + "\nkeyfile = " + key + "\n"),
                run.out());
        assertTrue(run.out().contains("valid until " + leaf.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS)),
                run.out());
        assertEquals("", run.err());
        assertHandshakeAsLocalhost(material, leaf);
    }

    @Test
    void withoutOutTheFilesGoToCertsAndRsaMakesAnRsaKey() throws Exception {
        Run run = gatehouse("cert", "--rsa", "*.example.test");
        assertEquals(0, run.exit(), run.err());
        PemLoad load = PemKeyMaterial.load(tmp.resolve("certs/_.example.test.crt"), tmp.resolve("certs/_.example.test.key"),
                null, Clock.systemUTC());
        PemKeyMaterial material = assertInstanceOf(PemLoad.Loaded.class, load, load.toString()).material();
        assertEquals("RSA", material.keyType());
        assertTrue(material.serves("api.example.test"));
    }

    @Test
    void existingFilesAreKeptUnlessForce() throws Exception {
        assertEquals(0, gatehouse("cert", "localhost").exit());
        Path crt = tmp.resolve("certs/localhost.crt");
        byte[] first = Files.readAllBytes(crt);

        Run again = gatehouse("cert", "localhost");
        assertEquals(1, again.exit());
        assertEquals("gatehouse: " + Path.of("certs", "localhost.crt") + " exists; not replacing it (add --force to"
                + " replace it, or --out DIR to write elsewhere)\n", again.err());
        assertArrayEquals(first, Files.readAllBytes(crt), "the certificate is untouched");

        Run forced = gatehouse("cert", "localhost", "--force");
        assertEquals(0, forced.exit(), forced.err());
        assertNotEquals(new String(first, StandardCharsets.US_ASCII), Files.readString(crt), "a new certificate");
    }

    @ParameterizedTest(name = "gatehouse cert {0}")
    @CsvSource(delimiter = '|', value = {
        "'' | gatehouse: cert needs at least one host name or IP address, e.g. gatehouse cert localhost 127.0.0.1",
        "--out | gatehouse: --out needs a directory",
        "localhost --bogus | gatehouse: unknown option --bogus (gatehouse cert --help lists them)",
        "under_score! | gatehouse: 'under_score!' is not a host name or an IP address",
    })
    void badArgumentsAreExplainedWithExitStatusTwoAndWriteNothing(String args, String message) throws Exception {
        List<String> command = new ArrayList<>(List.of("cert"));
        if (!args.isEmpty()) {
            command.addAll(List.of(args.split(" ")));
        }
        Run run = gatehouse(command.toArray(String[]::new));
        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals(message + "\n", run.err());
        assertFalse(Files.exists(tmp.resolve("certs")), "nothing written");
    }

    @Test
    void helpDescribesTheCommandAndItsOptions() throws Exception {
        Run run = gatehouse("cert", "--help");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("usage: gatehouse cert HOST... [--out DIR] [--rsa] [--force]\n"), run.out());
        assertTrue(run.out().contains("--out DIR ") && run.out().contains("--force ") && run.out().contains("--rsa "),
                run.out());
        assertTrue(gatehouse("--help").out().contains("  cert "), "the command list names it");
    }

    /** A TLS client that checks the name {@code localhost} against the certificate, trusting only it, completes a handshake with it. */
    private static void assertHandshakeAsLocalhost(PemKeyMaterial material, X509Certificate leaf) throws Exception {
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("site", material.privateKey(), new char[0], material.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(serverKeys, new char[0]);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("self", leaf);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listening.accept()) {
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    int b = in.read();
                    OutputStream out = s.getOutputStream();
                    out.write(b);
                    out.flush();
                    return b;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", listening.getLocalPort())) {
                s.setSoTimeout(10_000);
                SSLParameters parameters = s.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(parameters);
                s.getOutputStream().write(42);
                s.getOutputStream().flush();
                assertEquals(42, s.getInputStream().read());
            }
            assertEquals(42, served.get(10, TimeUnit.SECONDS));
        }
    }
}
