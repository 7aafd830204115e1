package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.TlsFixture.KeyForm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Gatehouse's TLS listeners speak TLS 1.2 and 1.3 only by default: a client that really offers TLS 1.1 is refused. */
@Timeout(120)
class TlsProtocolsTest {
    @TempDir
    Path tmp;

    @Test
    void aClientOfferingOnlyTls11IsRefusedWithAProtocolVersionAlert() throws Exception {
        // TLS 1.1 is disabled JVM-wide by jdk.tls.disabledAlgorithms, read once: a JVM of its own re-enables it,
        // so the refusal seen is Gatehouse's own protocols, not the JVM's
        TlsFixture pki = new TlsFixture();
        KeyPair keys = TlsFixture.keyPair("EC");
        Path cert = TlsFixture.write(tmp.resolve("s.crt"), pki.chainPem(pki.issue(keys, "s.test")));
        Path key = TlsFixture.write(tmp.resolve("s.key"), TlsFixture.keyPem(keys.getPrivate(), KeyForm.PKCS8));
        int port = GatehouseHarness.freePort();
        Path conf = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(conf.resolve("site.conf"), "[server]\nport = " + port + "\n[ssl]\nenable_ssl = yes\ncertfile = "
                + cert + "\nkeyfile = " + key + "\n[routes:line]\n/ = return 200 OK\n[log]\ndir = " + tmp.resolve("logs") + "\n");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = tmp.resolve("probe.out");
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", classpath, TlsProtocolProbe.class.getName(), conf.toString(), Integer.toString(port),
                cert.toString(), key.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(probe.waitFor(90, TimeUnit.SECONDS), "the probe did not finish");
        } finally {
            probe.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertTrue(output.contains("control: TLSv1.1"), "the probe must really speak TLS 1.1 where a server allows it:\n" + output);
        assertTrue(output.contains("gatehouse: refused") && output.contains("protocol_version"),
                "Gatehouse must refuse it with a protocol_version alert:\n" + output);
    }
}
