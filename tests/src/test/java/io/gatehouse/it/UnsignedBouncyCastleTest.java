package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable layout's Bouncy Castle jars (admin-console's build, docs/performance.md): the same classes
 * as the released artifacts, without the signature and the per-class digests that made the JVM read 1.1
 * MB of manifests at every start and keep the classes out of the class archive; still Multi-Release.
 * The real jar then decrypts an encrypted PEM key with them: the provider needs no signature on OpenJDK.
 */
class UnsignedBouncyCastleTest {
    @TempDir
    Path tmp;

    private JarProcesses processes;

    @BeforeEach
    void setUp() {
        processes = new JarProcesses(tmp);
    }

    @AfterEach
    void tearDown() {
        processes.close();
    }

    @Test
    void theLayoutsBouncyCastleJarsHoldTheReleasedClassesWithoutSignatureAndStayMultiRelease() throws Exception {
        Path lib = CommandLineTest.JAR.resolveSibling("lib");
        List<Path> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.filter(p -> p.getFileName().toString().startsWith("bc")).sorted().toList();
        }
        assertEquals(List.of("bcpkix", "bcprov", "bcutil"),
                jars.stream().map(p -> p.getFileName().toString().replaceFirst("-jdk18on-.*", "")).toList());
        Path released = Path.of(BouncyCastleProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                assertTrue(j.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")),
                        jar + " has no signature");
                assertTrue(j.getEntry("META-INF/MANIFEST.MF").getSize() < 1024, jar + "'s manifest is small");
                assertEquals("true", j.getManifest().getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE));
                assertTrue(j.isMultiRelease(), jar + " is read as Multi-Release");
            }
        }
        Path bcprov = jars.get(1);
        assertEquals(released.getFileName(), bcprov.getFileName(), "the test runs with the artifact the layout has");
        Map<String, Long> mine = classes(bcprov);
        assertTrue(mine.size() > 5000, "bcprov's classes: " + mine.size());
        assertEquals(classes(released), mine, "the same entries with the same CRC as the released jar");
    }

    @Test
    void theRealJarDecryptsAnEncryptedKeyWithThem() throws Exception {
        TlsFixture pki = new TlsFixture();
        KeyPair keys = TlsFixture.keyPair("EC");
        X509Certificate leaf = pki.issue(keys, "localhost");
        TlsFixture.write(tmp.resolve("site.pem"), pki.chainPem(leaf));
        TlsFixture.write(tmp.resolve("site.key"),
                TlsFixture.keyPem(keys.getPrivate(), TlsFixture.KeyForm.ENCRYPTED_PKCS8));
        String site = "[server]\nip = 127.0.0.1\nport = 1\n[log]\ndir = " + tmp.resolve("logs") + "\n[routes:line]\n"
                + "/ = return 200 OK\n[ssl]\nenable_ssl = yes\ncertfile = " + tmp.resolve("site.pem") + "\nkeyfile = "
                + tmp.resolve("site.key") + "\npassphrase = ";
        Path good = conf("good", site + TlsFixture.PASSPHRASE + "\n");
        Path wrong = conf("wrong", site + "not it\n");

        assertEquals(0, exit(processes.jar(tmp, "check", "--conf", good.toString())), processes.err(0));
        assertEquals(1, exit(processes.jar(tmp, "check", "--conf", wrong.toString())));
        assertTrue(processes.err(1).contains("wrong passphrase"), processes.err(1));
        assertFalse(processes.err(0).contains("Exception"), processes.err(0));
    }

    private Path conf(String name, String text) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("site.conf"), text);
        return dir;
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends by itself");
        return p.exitValue();
    }

    /** Every entry but the manifest and signature files, with its CRC. */
    private static Map<String, Long> classes(Path jar) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            for (ZipEntry e : j.stream().toList()) {
                if (!e.isDirectory() && !e.getName().matches("META-INF/([^/]+\\.(SF|RSA|DSA|EC)|MANIFEST\\.MF)")) {
                    out.put(e.getName(), e.getCrc());
                }
            }
        }
        return out;
    }
}
