package io.gatehouse.auth.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.auth.tls.TestPki.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class PemKeyMaterialTest {

    private static final Clock NOW = Clock.systemUTC();
    private static final TestPki pki = TestPki.SHARED;
    private static final KeyPair rsa = TestPki.RSA;
    private static final KeyPair ec = TestPki.EC;

    @TempDir
    Path dir;

    private static KeyPair pair(KeyFormat format) {
        return format.algorithm.equals("RSA") ? rsa : ec;
    }

    private static PemKeyMaterial loaded(PemLoad load) {
        assertInstanceOf(PemLoad.Loaded.class, load, () -> "refused: " + load);
        return ((PemLoad.Loaded) load).material();
    }

    private static List<String> problems(PemLoad load) {
        assertInstanceOf(PemLoad.Refused.class, load, () -> "loaded: " + load);
        return ((PemLoad.Refused) load).problems();
    }

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void eachKeyFormatLoadsAndServesARealHandshake(KeyFormat format) throws Exception {
        KeyPair pair = pair(format);
        X509Certificate leaf = pki.issue(pair, "www.example.test");
        String keyText = TestPki.keyPem(pair.getPrivate(), format, TestPki.PASSPHRASE);
        assertTrue(keyText.contains(format.marker), () -> "the test wrote " + format + " wrongly:\n" + keyText);
        Path certfile = TestPki.write(dir.resolve("server.crt"), pki.chainPem(leaf));
        Path keyfile = TestPki.write(dir.resolve("server.key"), keyText);

        PemLoad load = PemKeyMaterial.load(certfile, keyfile, format.encrypted() ? TestPki.PASSPHRASE : null, NOW);

        PemKeyMaterial material = loaded(load);
        assertEquals(List.of(), load.warnings());
        assertEquals(format.algorithm, material.keyType());
        assertEquals(2, material.chain().size(), "the leaf and the CA");
        try (LoopbackTls server = new LoopbackTls(ServerTls.build(List.of(material), TlsSpec.defaults(), null))) {
            LoopbackTls.Answer answer = server.get(LoopbackTls.client(pki.trustStore()), "www.example.test");
            assertEquals(leaf, answer.leaf());
            assertTrue(answer.response().startsWith("HTTP/1.1 200") && answer.response().endsWith("ok"), answer.response());
        }
    }

    static Stream<Arguments> combinedFiles() {
        return Stream.of(Arguments.of("RSA", true), Arguments.of("RSA", false), Arguments.of("EC", true),
                Arguments.of("EC", false));
    }

    @ParameterizedTest(name = "{0} key, certificate first: {1}")
    @MethodSource("combinedFiles")
    void aCombinedServerPemLoadsWithTheKeyBeforeOrAfterTheCertificate(String algorithm, boolean certificateFirst)
            throws Exception {
        KeyPair pair = algorithm.equals("RSA") ? rsa : ec;
        X509Certificate leaf = pki.issue(pair, "www.example.test");
        String key = TestPki.keyPem(pair.getPrivate(), algorithm.equals("RSA") ? KeyFormat.PKCS1_RSA : KeyFormat.PKCS8_EC, null);
        String certificate = TestPki.pem(leaf);
        Path combined = TestPki.write(dir.resolve("server.pem"), certificateFirst ? certificate + key : key + certificate);

        PemKeyMaterial material = loaded(PemKeyMaterial.load(combined, null, null, NOW));
        assertEquals(leaf, material.leaf());
        loaded(PemKeyMaterial.load(combined, combined, null, NOW));
        try (LoopbackTls server = new LoopbackTls(ServerTls.build(List.of(material), TlsSpec.defaults(), null))) {
            assertEquals(leaf, server.get(LoopbackTls.client(pki.trustStore()), "www.example.test").leaf());
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeyFormat.class, names = {"ENCRYPTED_PKCS8_RSA", "ENCRYPTED_PKCS8_EC", "LEGACY_ENCRYPTED_RSA",
            "LEGACY_ENCRYPTED_EC"})
    void aWrongPassphraseIsReportedAsSuch(KeyFormat format) {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(pair(format), "a.test")));
        Path keyfile = TestPki.write(dir.resolve("server.key"),
                TestPki.keyPem(pair(format).getPrivate(), format, TestPki.PASSPHRASE));

        assertEquals(List.of("keyfile " + keyfile + ": wrong passphrase"),
                problems(PemKeyMaterial.load(certfile, keyfile, "not the passphrase", NOW)));
    }

    @ParameterizedTest
    @EnumSource(value = KeyFormat.class, names = {"ENCRYPTED_PKCS8_EC", "LEGACY_ENCRYPTED_RSA"})
    void anEncryptedKeyWithoutAPassphraseAsksForOne(KeyFormat format) {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(pair(format), "a.test")));
        Path keyfile = TestPki.write(dir.resolve("server.key"),
                TestPki.keyPem(pair(format).getPrivate(), format, TestPki.PASSPHRASE));

        List<String> problems = problems(PemKeyMaterial.load(certfile, keyfile, null, NOW));
        assertEquals(List.of("keyfile " + keyfile + " is encrypted: set passphrase"), problems);
        assertEquals(problems, problems(PemKeyMaterial.load(certfile, keyfile, "", NOW)));
    }

    @Test
    void thePassphraseAppearsInNoProblem() {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(ec, "a.test")));
        Path keyfile = TestPki.write(dir.resolve("server.key"),
                TestPki.keyPem(ec.getPrivate(), KeyFormat.ENCRYPTED_PKCS8_EC, TestPki.PASSPHRASE));
        String wrong = "s3cret-but-wrong";

        PemLoad load = PemKeyMaterial.load(certfile, keyfile, wrong, NOW);

        assertTrue(problems(load).stream().noneMatch(p -> p.contains(wrong)), load.toString());
    }

    @ParameterizedTest
    @CsvSource({"RSA,EC", "EC,RSA", "RSA,RSA", "EC,EC"})
    void aKeyThatIsNotTheCertificatesIsRefused(String certificateKey, String otherKey) {
        KeyPair certified = certificateKey.equals("RSA") ? rsa : ec;
        KeyPair other = TestPki.keyPair(otherKey);
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(certified, "a.test")));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(other.getPrivate(),
                otherKey.equals("RSA") ? KeyFormat.PKCS8_RSA : KeyFormat.SEC1_EC, null));

        List<String> problems = problems(PemKeyMaterial.load(certfile, keyfile, null, NOW));

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("the private key does not match the certificate's public key"),
                problems.get(0));
    }

    @Test
    void aChainWithTheServersCertificateNotFirstSaysSo() {
        X509Certificate leaf = pki.issue(ec, "a.test");
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.ca) + TestPki.pem(leaf));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.PKCS8_EC, null));

        assertEquals(List.of("certfile " + certfile + ": the server's certificate must come first; the key matches"
                        + " certificate 2 of 2 (CN=a.test)"),
                problems(PemKeyMaterial.load(certfile, keyfile, null, NOW)));
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(ec, "a.test")));
        Path keyfile = dir.resolve("nowhere.key");

        assertEquals(List.of("keyfile " + keyfile + " does not exist"),
                problems(PemKeyMaterial.load(certfile, keyfile, null, NOW)));
    }

    @Test
    void aCertificateFileWithoutAKeyAndNoKeyfileSaysTheKeyIsMissing() {
        Path certfile = TestPki.write(dir.resolve("server.pem"), TestPki.pem(pki.issue(ec, "a.test")));

        List<String> problems = problems(PemKeyMaterial.load(certfile, null, null, NOW));

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("no private key in certfile " + certfile), problems.get(0));
    }

    @Test
    void aKeyFileGivenAsCertfileSaysThereIsNoCertificate() {
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.SEC1_EC, null));

        List<String> problems = problems(PemKeyMaterial.load(keyfile, keyfile, null, NOW));

        assertTrue(problems.get(0).startsWith("no certificate in certfile " + keyfile), problems.toString());
    }

    static Stream<Arguments> garbage() {
        return Stream.of(
                Arguments.of("not PEM at all", "hello\nworld\n", "no certificate in certfile"),
                Arguments.of("broken base64", "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n",
                        "a PEM block could not be read"),
                Arguments.of("base64 that is no certificate",
                        "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
                        "a PEM block could not be read"),
                Arguments.of("no END line", "-----BEGIN CERTIFICATE-----\nMIIB\n", "a PEM block could not be read"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void garbageInTheCertificateFileIsAProblemNotAnException(String what, String text, String expected) {
        Path certfile = TestPki.write(dir.resolve("server.crt"), text);
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.SEC1_EC, null));

        List<String> problems = problems(PemKeyMaterial.load(certfile, keyfile, null, NOW));

        assertTrue(problems.stream().anyMatch(p -> p.contains(expected) && p.contains(certfile.toString())),
                problems.toString());
    }

    @Test
    void garbageInTheKeyFileIsAProblemNamingIt() {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(ec, "a.test")));
        Path keyfile = TestPki.write(dir.resolve("server.key"),
                "-----BEGIN PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n-----END PRIVATE KEY-----\n");

        List<String> problems = problems(PemKeyMaterial.load(certfile, keyfile, null, NOW));

        assertTrue(problems.get(0).startsWith("keyfile " + keyfile + ": a PEM block could not be read"), problems.toString());
    }

    @Test
    void anExpiredCertificateStillLoadsWithAWarning() throws Exception {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");
        X509Certificate expired = pki.issue(ec, "old.test", List.of("old.test"), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z"));
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(expired));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.PKCS8_EC, null));

        PemLoad load = PemKeyMaterial.load(certfile, keyfile, null, Clock.fixed(now, ZoneOffset.UTC));

        loaded(load);
        assertEquals(List.of("certfile " + certfile + ": the certificate expired on 2026-01-01; clients will refuse it"),
                load.warnings());
    }

    @Test
    void aCertificateNotYetValidStillLoadsWithAWarning() {
        Instant notBefore = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        X509Certificate future = pki.issue(ec, "new.test", List.of("new.test"), notBefore, notBefore.plus(10, ChronoUnit.DAYS));
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(future));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.PKCS8_EC, null));

        PemLoad load = PemKeyMaterial.load(certfile, keyfile, null, NOW);

        loaded(load);
        assertEquals(List.of("certfile " + certfile + ": the certificate is not valid before " + notBefore
                + "; clients will refuse it until then"), load.warnings());
    }

    @Test
    void twoKeysInTheKeyFileAreRefused() {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(ec, "a.test")));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.SEC1_EC, null)
                + TestPki.keyPem(rsa.getPrivate(), KeyFormat.PKCS1_RSA, null));

        assertEquals(List.of("keyfile " + keyfile + " holds 2 private keys; keep only the certificate's"),
                problems(PemKeyMaterial.load(certfile, keyfile, null, NOW)));
    }

    @ParameterizedTest(name = "{0} served by {1}: {2}")
    @CsvSource({
            "www.example.com, 'www.example.com', true",
            "WWW.Example.COM., 'www.example.com', true",
            "a.example.com, '*.example.com', true",
            "example.com, '*.example.com', false",
            "a.b.example.com, '*.example.com', false",
            "other.test, 'www.example.com', false",
    })
    void namesAndOneLabelWildcardsAreServed(String host, String name, boolean served) {
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(pki.issue(ec, name)));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.PKCS8_EC, null));

        assertEquals(served, loaded(PemKeyMaterial.load(certfile, keyfile, null, NOW)).serves(host));
    }

    @Test
    void aCertificateWithoutAlternativeNamesServesItsCommonName() {
        Instant now = Instant.now();
        X509Certificate cnOnly = pki.issue(ec, "legacy.example.com", List.of(), now.minus(1, ChronoUnit.HOURS),
                now.plus(1, ChronoUnit.DAYS));
        Path certfile = TestPki.write(dir.resolve("server.crt"), TestPki.pem(cnOnly));
        Path keyfile = TestPki.write(dir.resolve("server.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.PKCS8_EC, null));

        PemKeyMaterial material = loaded(PemKeyMaterial.load(certfile, keyfile, null, NOW));

        assertEquals(List.of("legacy.example.com"), material.hostNames());
        assertTrue(material.serves("legacy.example.com"));
    }

    @Test
    void aDirectoryGivenAsCertfileIsNamed() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("certs"));
        List<String> problems = problems(PemKeyMaterial.load(sub, null, null, NOW));
        assertEquals(List.of("certfile " + sub + " cannot be read: it is a directory"), problems);
    }
}
