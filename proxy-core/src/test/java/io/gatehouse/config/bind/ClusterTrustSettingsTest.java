package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.upstream.MemberKey;
import io.gatehouse.upstream.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ca} and {@code verify} of an {@code [@name]} cluster as the loader reads them: the default
 * checks against the system trust store, {@code ca = FILE} reads every certificate of a PEM bundle when
 * the configuration is loaded (a relative path from conf.d's parent, as static directories), and
 * {@code verify = no} checks nothing. {@code client_cert}, {@code client_key} and
 * {@code client_key_passphrase}: paths resolved as {@code ca}'s, the key in the certificate's file when
 * {@code client_key} is not set, the files' contents part of the members' identity, and the keys refused
 * where they cannot do what they say.
 */
class ClusterTrustSettingsTest {
    private static final String ROUTES = "[routes:line]\n/ = @api\n";
    private static final TestCa CLIENT_CA = TestCa.create("Clients CA");
    private static final TestCa.Issued CLIENT_CERT = CLIENT_CA.issueClient("gatehouse");

    @TempDir
    Path tmp;

    @Test
    void withoutCaOrVerifyMembersAreCheckedAgainstTheSystemTrustStore() {
        assertEquals(MemberTlsSpec.SYSTEM, cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\n").trust());
        assertEquals(MemberTlsSpec.SYSTEM, cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nverify = yes\n").trust());
    }

    @Test
    void caReadsEveryCertificateOfABundleRelativeToTheParentOfConfD() throws Exception {
        TestCa one = TestCa.create("One CA");
        TestCa two = TestCa.create("Two CA");
        Files.createDirectories(tmp.resolve("certs"));
        Path bundle = tmp.resolve("certs/internal.pem");
        Files.writeString(bundle, "# internal CAs\nsubject=CN = One CA\n" + one.pem() + "\n# and the next one\n" + two.pem());
        ClusterSpec spec = cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nca = certs/internal.pem\n");
        assertEquals(MemberTlsSpec.ca(bundle, List.of(one.certificate(), two.certificate())), spec.trust());
        assertEquals("ca " + bundle, spec.trust().trustSource());
    }

    @Test
    void anAbsoluteCaPathIsTakenAsWritten() throws Exception {
        TestCa ca = TestCa.create("Absolute CA");
        Path file = ca.writePem(Files.createTempFile(tmp, "ca", ".pem"));
        ClusterSpec spec = cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nca = " + file + "\n");
        assertEquals(MemberTlsSpec.ca(file, List.of(ca.certificate())), spec.trust());
    }

    @Test
    void verifyNoChecksNothing() {
        assertEquals(MemberTlsSpec.UNVERIFIED, cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nverify = no\n").trust());
        assertEquals(MemberTlsSpec.UNVERIFIED, cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nverify = off\n").trust());
    }

    @Test
    void clientCertAndKeyAreResolvedFromTheParentOfConfDAndKeptWithThePassphrase() throws Exception {
        Files.createDirectories(tmp.resolve("certs"));
        Files.writeString(tmp.resolve("certs/client.crt"), CLIENT_CERT.chainPem());
        Files.writeString(tmp.resolve("certs/client.key"), CLIENT_CERT.keyPem());
        ClusterSpec spec = cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nclient_cert = certs/client.crt\n"
                + "client_key = certs/client.key\nclient_key_passphrase = secret\n");
        ClientCertSpec cert = spec.trust().client().orElseThrow();
        assertEquals(tmp.resolve("certs/client.crt"), cert.certFile());
        assertEquals(Optional.of(tmp.resolve("certs/client.key")), cert.keyFile());
        assertEquals(tmp.resolve("certs/client.key"), cert.keySource());
        assertEquals("secret", cert.passphrase());
        assertTrue(spec.trust().verify());
        assertFalse(cert.toString().contains("secret"), "the passphrase is never shown: " + cert);
        assertEquals("(client_cert " + cert.certFile() + ")", spec.trust().describe());
    }

    @Test
    void withoutClientKeyTheKeyIsReadFromTheCertificatesFile() throws Exception {
        Path combined = Files.writeString(tmp.resolve("client.pem"), CLIENT_CERT.chainPem() + CLIENT_CERT.keyPem());
        ClientCertSpec cert = cluster("[@api]\nmembers = 10.0.0.1\nssl = yes\nverify = no\nclient_cert = " + combined
                + "\n").trust().client().orElseThrow();
        assertEquals(Optional.empty(), cert.keyFile());
        assertEquals(combined, cert.keySource());
        assertEquals("", cert.passphrase());
    }

    @Test
    void theClientCertificateIsPartOfTheMembersIdentityAndItsFilesContentsToo() throws Exception {
        Path file = tmp.resolve("client.pem");
        Files.writeString(file, CLIENT_CERT.chainPem() + CLIENT_CERT.keyPem());
        String section = "[@api]\nmembers = 10.0.0.1\nssl = yes\nclient_cert = " + file + "\n";
        MemberTlsSpec first = cluster(section).trust();
        MemberTlsSpec again = cluster(section).trust();
        TestCa.Issued renewed = CLIENT_CA.issueClient("gatehouse");
        Files.writeString(file, renewed.chainPem() + renewed.keyPem());
        MemberTlsSpec afterRenewal = cluster(section).trust();

        HostPort member = new HostPort("10.0.0.1", 443);
        assertEquals(new MemberKey(true, member, first), new MemberKey(true, member, again), "same files: one identity");
        assertNotEquals(new MemberKey(true, member, first), new MemberKey(true, member, afterRenewal),
                "a renewed certificate makes new connections");
        assertNotEquals(new MemberKey(true, member, MemberTlsSpec.SYSTEM), new MemberKey(true, member, first),
                "a cluster without client_cert never uses a connection that showed one");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "client_cert without ssl | ssl = no\\nclient_cert = client.pem | @D/a.conf:4: [@api] client_cert is set but ssl"
            + " is no: the members would be reached in plain text; add ssl = yes, or remove client_cert",
        "client_key without client_cert | ssl = yes\\nclient_key = client.pem | @D/a.conf:4: [@api] client_key is set"
            + " without client_cert; add client_cert = FILE (the certificate shown to the members), or remove client_key",
        "passphrase without client_cert | ssl = yes\\nclient_key_passphrase = x | @D/a.conf:4: [@api]"
            + " client_key_passphrase is set without client_cert; add client_cert = FILE (the certificate shown to the"
            + " members), or remove client_key_passphrase",
        "a missing file | ssl = yes\\nclient_cert = nowhere.pem | @D/a.conf:4: [@api] client_cert file @T/nowhere.pem"
            + " does not exist",
        "a missing key file | ssl = yes\\nclient_cert = client.pem\\nclient_key = nokey.pem | @D/a.conf:5: [@api]"
            + " client_key file @T/nokey.pem does not exist",
        "a directory | ssl = yes\\nclient_cert = conf.d | @D/a.conf:4: [@api] client_cert file @D is a directory;"
            + " expected a PEM file with the certificate shown to members",
        "an empty value | ssl = yes\\nclient_cert = | @D/a.conf:4: [@api] client_cert must be a PEM file with the"
            + " certificate shown to members, got \"\"",
    })
    void clientCertificateKeysAreRefusedWhereTheyCannotWork(String what, String keys, String problem) throws Exception {
        Files.writeString(tmp.resolve("client.pem"), CLIENT_CERT.chainPem() + CLIENT_CERT.keyPem());
        ConfDirFixture dir = new ConfDirFixture(tmp);
        dir.file("a.conf", "[@api]\nmembers = 10.0.0.1\n" + keys.replace("\\n", "\n") + "\n" + ROUTES);
        assertEquals(List.of(problem), dir.problems());
    }

    private ClusterSpec cluster(String section) {
        ConfDirFixture dir = new ConfDirFixture(tmp);
        dir.file("a.conf", section + ROUTES);
        LoadOutcome loaded = dir.load();
        assertEquals(List.of(), dir.shown(loaded.problems()));
        return loaded.config().orElseThrow().clusters().get("api");
    }
}
