package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.TlsFixture.KeyForm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse check} (the packaged jar, as an operator runs it) on {@code [ssl]} sections: key
 * material that cannot be served is an error at the line that names it, a certificate outside its
 * validity a warning.
 */
@Timeout(120)
class TlsCheckTest {
    @TempDir
    Path tmp;

    private final TlsFixture pki = new TlsFixture();

    private record Run(int exit, String output) {
    }

    private Run check(Path confDir) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(CommandLineTest.JAR), "the reactor builds " + CommandLineTest.JAR + " before the tests");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
                "-jar", CommandLineTest.JAR.toString(), "check", "--conf", confDir.toString()));
        Path out = tmp.resolve("check.out");
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check did not finish");
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void aMismatchedKeyAWrongPassphraseAndAnUnknownCipherAreErrorsAtTheirLinesAndAnExpiredCertificateAWarning()
            throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf.d"));
        KeyPair keys = TlsFixture.keyPair("EC");
        KeyPair other = TlsFixture.keyPair("EC");
        Path cert = TlsFixture.write(tmp.resolve("a.crt"), pki.chainPem(pki.issue(keys, "a.test")));
        Path wrongKey = TlsFixture.write(tmp.resolve("other.key"), TlsFixture.keyPem(other.getPrivate(), KeyForm.PKCS8));
        Files.writeString(conf.resolve("a.conf"), "[server]\nport = 8443\n[ssl]\nenable_ssl = yes\ncertfile = " + cert
                + "\nkeyfile = " + wrongKey + "\n[routes:line]\n/ = return 200 OK\n");

        Path encrypted = TlsFixture.write(tmp.resolve("b.key"), TlsFixture.keyPem(keys.getPrivate(), KeyForm.ENCRYPTED_PKCS8));
        Files.writeString(conf.resolve("b.conf"), "[server]\nport = 8444\n[ssl]\nenable_ssl = yes\ncertfile = " + cert
                + "\nkeyfile = " + encrypted + "\npassphrase = not the passphrase\n[routes:line]\n/ = return 200 OK\n");

        Path expired = TlsFixture.write(tmp.resolve("c.crt"), pki.chainPem(pki.issueExpired(keys, "c.test")));
        Path key = TlsFixture.write(tmp.resolve("c.key"), TlsFixture.keyPem(keys.getPrivate(), KeyForm.SEC1_EC));
        Files.writeString(conf.resolve("c.conf"), "[server]\nport = 8445\n[ssl]\nenable_ssl = yes\ncertfile = " + expired
                + "\nkeyfile = " + key + "\nciphers = TLS_AES_128_GCM_SHA256 TLS_NOT_A_SUITE\n[routes:line]\n/ = return 200 OK\n");

        Run run = check(conf);

        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("a.conf:6: [ssl] the private key does not match the certificate's public key"),
                "the mismatched key, at its keyfile line:\n" + run.output());
        assertTrue(run.output().contains("b.conf:7: [ssl] keyfile " + encrypted + ": wrong passphrase"),
                "the wrong passphrase, at its line:\n" + run.output());
        assertTrue(run.output().contains("c.conf:5: warning: [ssl] certfile " + expired + ": the certificate expired on "),
                "the expired certificate, a warning at its certfile line:\n" + run.output());
        assertTrue(run.output().contains("c.conf:7: [ssl] ciphers: TLS_NOT_A_SUITE is not supported by this Java runtime"),
                "the unknown cipher suite, at its line:\n" + run.output());
        assertFalse(run.output().contains("\tat "), "no stack trace:\n" + run.output());
    }

    @Test
    void goodKeyMaterialPassesTheCheck() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf.d"));
        KeyPair keys = TlsFixture.keyPair("RSA");
        Path pem = TlsFixture.write(tmp.resolve("server.pem"),
                TlsFixture.keyPem(keys.getPrivate(), KeyForm.LEGACY_ENCRYPTED) + pki.chainPem(pki.issue(keys, "a.test")));
        Files.writeString(conf.resolve("a.conf"), "[server]\nport = 8443\n[ssl]\nenable_ssl = yes\ncertfile = " + pem
                + "\npassphrase = " + TlsFixture.PASSPHRASE + "\n[routes:line]\n/ = return 200 OK\n");

        Run run = check(conf);

        assertEquals(0, run.exit(), run.output());
    }
}
