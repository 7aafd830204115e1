package io.gatehouse.auth.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.auth.tls.SelfSigned.KeyKind;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SelfSignedTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void writesACertificateAndKeyThatLoadAndServeEveryHostGiven(KeyKind kind) throws Exception {
        List<String> hosts = List.of("localhost", "api.example.test", "*.apps.example.test");

        SelfSigned.Written written = new SelfSigned(Clock.systemUTC(), new SecureRandom()).write(dir.resolve("certs"), hosts, kind);

        assertEquals(dir.resolve("certs/localhost.crt"), written.certfile());
        assertEquals(dir.resolve("certs/localhost.key"), written.keyfile());
        assertTrue(Files.readString(written.keyfile()).startsWith("-----BEGIN PRIVATE KEY-----"));
        PemLoad load = PemKeyMaterial.load(written.certfile(), written.keyfile(), null, Clock.systemUTC());
        PemKeyMaterial material = assertInstanceOf(PemLoad.Loaded.class, load).material();
        assertEquals(List.of(), load.warnings());
        assertEquals(hosts, material.hostNames());
        assertEquals(kind == KeyKind.EC_P256 ? "EC" : "RSA", material.keyType());

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("self-signed", material.leaf());
        SSLContext client = LoopbackTls.client(trust);
        try (LoopbackTls server = new LoopbackTls(ServerTls.build(List.of(material), TlsSpec.defaults(), null))) {
            for (String host : List.of("localhost", "api.example.test", "one.apps.example.test")) {
                LoopbackTls.Answer answer = server.get(client, host);
                assertEquals(material.leaf(), answer.leaf(), host);
                assertTrue(answer.response().endsWith("ok"), answer.response());
            }
        }
    }

    @Test
    void theKeyFileIsReadableByItsOwnerOnly() throws Exception {
        SelfSigned.Written written = new SelfSigned(Clock.systemUTC(), new SecureRandom())
                .write(dir, List.of("localhost"), KeyKind.EC_P256);

        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written.keyfile())));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(written.certfile())));
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void theCertificateIsValidForAYearFromTheClock() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        SelfSigned.Written written = new SelfSigned(Clock.fixed(now, ZoneOffset.UTC), new SecureRandom())
                .write(dir, List.of("127.0.0.1", "localhost"), KeyKind.EC_P256);

        PemLoad load = PemKeyMaterial.load(written.certfile(), written.keyfile(), null, Clock.fixed(now, ZoneOffset.UTC));
        PemKeyMaterial material = assertInstanceOf(PemLoad.Loaded.class, load).material();

        assertEquals(now.plus(Duration.ofDays(365)), material.leaf().getNotAfter().toInstant());
        assertTrue(material.leaf().getNotBefore().toInstant().isBefore(now));
        assertEquals(List.of("localhost"), material.hostNames(), "the address is an IP name, not a DNS name");
        assertEquals(dir.resolve("127.0.0.1.crt"), written.certfile());
    }

    @Test
    void rewritingReplacesTheOldFiles() throws Exception {
        SelfSigned selfSigned = new SelfSigned(Clock.systemUTC(), new SecureRandom());
        SelfSigned.Written first = selfSigned.write(dir, List.of("localhost"), KeyKind.EC_P256);
        String firstKey = Files.readString(first.keyfile());

        SelfSigned.Written second = selfSigned.write(dir, List.of("localhost"), KeyKind.EC_P256);

        assertEquals(first, second);
        assertTrue(!firstKey.equals(Files.readString(second.keyfile())), "a new key");
        assertInstanceOf(PemLoad.Loaded.class, PemKeyMaterial.load(second.certfile(), second.keyfile(), null, Clock.systemUTC()));
    }

    @Test
    void aNameThatIsNotAHostIsRefusedBeforeAnythingIsWritten() throws Exception {
        SelfSigned selfSigned = new SelfSigned(Clock.systemUTC(), new SecureRandom());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> selfSigned.write(dir, List.of("localhost", "not a host/"), KeyKind.EC_P256));
        assertEquals("'not a host/' is not a host name or an IP address", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> selfSigned.write(dir, List.of(), KeyKind.EC_P256));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
