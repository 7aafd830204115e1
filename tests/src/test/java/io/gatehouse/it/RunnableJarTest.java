package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar (admin-console's build, docs/performance.md, "The class archive"): Gatehouse and every
 * runtime library in one jar, each library's classes and resources the released bytes, without the
 * signatures (Bouncy Castle's per-class digests made the JVM read 1.1 MB of manifests at every start and
 * kept its classes out of the class archive), still Multi-Release, with each library's service
 * registrations joined rather than overwritten. The real jar then decrypts an encrypted PEM key with Bouncy
 * Castle's classes from it: the provider needs no signature on OpenJDK.
 */
class RunnableJarTest {
    /** What the build leaves out or joins: manifests, signatures, module descriptors, jar indexes, licences. */
    private static final Pattern NOT_COPIED = Pattern.compile("META-INF/(MANIFEST\\.MF|[^/]+\\.(SF|RSA|DSA|EC)"
            + "|INDEX\\.LIST|(LICENSE|NOTICE)[^/]*|versions/\\d+/(module-info\\.class|OSGI-INF/MANIFEST\\.MF)"
            + "|services/.*)|module-info\\.class");

    /** Undertow's classes the runnable jar has in Gatehouse's build instead (docs/architecture.md). */
    private static final List<String> REPLACED = List.of("io/undertow/server/handlers/HostHeaderHandler.class",
            "io/undertow/server/handlers/HostHeaderHandler$Wrapper.class");

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
    void theRunnableJarIsOneMultiReleaseJarWithoutSignatures() throws Exception {
        try (JarFile j = new JarFile(CommandLineTest.JAR.toFile())) {
            assertTrue(j.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")),
                    "no signature");
            assertTrue(j.getEntry("META-INF/MANIFEST.MF").getSize() < 1024, "the manifest is small");
            Attributes main = j.getManifest().getMainAttributes();
            assertEquals("true", main.getValue(Attributes.Name.MULTI_RELEASE));
            assertTrue(j.isMultiRelease(), "read as Multi-Release");
            assertEquals("io.gatehouse.app.Gatehouse", main.getValue(Attributes.Name.MAIN_CLASS));
            assertNull(main.getValue(Attributes.Name.CLASS_PATH), "nothing outside the jar");
            assertNull(j.getEntry("META-INF/INDEX.LIST"), "no library's jar index, which would name its own jar only");
        }
    }

    @Test
    void everyLibraryInTheRunnableJarIsThereAsReleasedWithItsServices() throws Exception {
        Map<String, Long> runnable = entries(CommandLineTest.JAR);
        Map<String, String> versions = pomVersions(CommandLineTest.JAR);
        List<String> libraries = new ArrayList<>();
        Enumeration<URL> manifests = getClass().getClassLoader().getResources("META-INF/MANIFEST.MF");
        try (JarFile r = new JarFile(CommandLineTest.JAR.toFile())) {
            while (manifests.hasMoreElements()) {
                String url = manifests.nextElement().toString();
                if (!url.startsWith("jar:file:") || !url.contains("/.m2/") && !url.contains("/repository/")) {
                    continue; // a module's own classes, or the test runner's manifest-only jar
                }
                Path jar = Path.of(URI.create(url.substring(4, url.indexOf("!/"))));
                Map<String, Long> released = entries(jar);
                boolean inRunnable = released.keySet().stream()
                        .anyMatch(n -> n.endsWith(".class") && !NOT_COPIED.matcher(n).matches()
                                && runnable.containsKey(n));
                Map<String, String> own = pomVersions(jar);
                boolean otherVersion = own.entrySet().stream()
                        .anyMatch(e -> versions.containsKey(e.getKey())
                                && !versions.get(e.getKey()).equals(e.getValue()));
                if (!inRunnable || otherVersion) {
                    continue; // a test library, or the test class path's own version of one
                }
                libraries.add(jar.getFileName().toString());
                for (Map.Entry<String, Long> e : released.entrySet()) {
                    if (!NOT_COPIED.matcher(e.getKey()).matches() && !REPLACED.contains(e.getKey())) {
                        assertEquals(e.getValue(), runnable.get(e.getKey()), e.getKey() + " of " + jar.getFileName());
                    }
                }
                assertServicesJoined(jar, r);
            }
        }
        assertTrue(libraries.size() >= 30, "libraries checked: " + libraries);
        for (String name : List.of("bcprov-jdk18on", "bcpkix-jdk18on", "bcutil-jdk18on", "undertow-core",
                "logback-classic", "xnio-nio", "caffeine", "ehcache", "nimbus-jose-jwt")) {
            assertTrue(libraries.stream().anyMatch(l -> l.startsWith(name + "-")), name + " in " + libraries);
        }
        assertTrue(runnable.keySet().stream().filter(n -> n.startsWith("org/bouncycastle/")).count() > 5000,
                "Bouncy Castle's classes");
    }

    @Test
    void undertowsHostCheckIsGatehousesBuildInTheJarAndOnTheTestClassPath() throws Exception {
        URL ours = getClass().getClassLoader().getResource(REPLACED.get(0));
        assertNotNull(ours);
        assertFalse(ours.toString().contains("undertow-core"), "first on the class path: " + ours);
        byte[] built;
        try (InputStream in = ours.openStream()) {
            built = in.readAllBytes();
        }
        try (JarFile j = new JarFile(CommandLineTest.JAR.toFile(), false)) {
            ZipEntry replaced = j.getEntry(REPLACED.get(0));
            assertNotNull(replaced);
            try (InputStream in = j.getInputStream(replaced)) {
                assertTrue(java.util.Arrays.equals(built, in.readAllBytes()), "the jar has proxy-core's class");
            }
            assertNull(j.getEntry(REPLACED.get(1)), "Undertow's wrapper class is left out");
        }
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

    /** Every entry but the directories, with its CRC. */
    private static Map<String, Long> entries(Path jar) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            for (ZipEntry e : j.stream().toList()) {
                if (!e.isDirectory()) {
                    out.put(e.getName(), e.getCrc());
                }
            }
        }
        return out;
    }

    /** groupId:artifactId to version, from each META-INF/maven/.../pom.properties. */
    private static Map<String, String> pomVersions(Path jar) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            for (ZipEntry e : j.stream().filter(e -> e.getName().matches("META-INF/maven/[^/]+/[^/]+/pom\\.properties"))
                    .toList()) {
                Properties p = new Properties();
                try (InputStream in = j.getInputStream(e)) {
                    p.load(in);
                }
                out.put(p.getProperty("groupId") + ":" + p.getProperty("artifactId"), p.getProperty("version"));
            }
        }
        return out;
    }

    /** Every service registration of a released jar is among the runnable jar's joined ones. */
    private static void assertServicesJoined(Path jar, JarFile runnable) throws IOException {
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            for (ZipEntry e : j.stream().filter(e -> e.getName().matches("META-INF/services/[^/]+")).toList()) {
                ZipEntry joined = runnable.getEntry(e.getName());
                assertNotNull(joined, e.getName() + " of " + jar.getFileName());
                List<String> all = lines(runnable, joined);
                for (String line : lines(j, e)) {
                    assertTrue(all.contains(line), line + " of " + e.getName() + " in " + jar.getFileName());
                }
            }
        }
    }

    /** A service file's registrations: its lines without comments and blanks. */
    private static List<String> lines(JarFile jar, ZipEntry e) throws IOException {
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(l -> l.replaceFirst("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
        }
    }
}
