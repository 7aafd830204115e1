package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.upstream.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ca} and {@code verify} of an {@code [@name]} cluster as the loader reads them: the default
 * checks against the system trust store, {@code ca = FILE} reads every certificate of a PEM bundle when
 * the configuration is loaded (a relative path from conf.d's parent, as static directories), and
 * {@code verify = no} checks nothing.
 */
class ClusterTrustSettingsTest {
    private static final String ROUTES = "[routes:line]\n/ = @api\n";

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

    private ClusterSpec cluster(String section) {
        ConfDirFixture dir = new ConfDirFixture(tmp);
        dir.file("a.conf", section + ROUTES);
        LoadOutcome loaded = dir.load();
        assertEquals(List.of(), dir.shown(loaded.problems()));
        return loaded.config().orElseThrow().clusters().get("api");
    }
}
