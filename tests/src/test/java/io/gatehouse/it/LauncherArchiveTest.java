package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class archive (docs/performance.md, "Start and memory"): made by the first use, used by
 * the starts after, made again when the jar is newer, the file is not the whole one made or another java
 * runs it, and never in the way of running Gatehouse. Each test runs a copy of the launcher and jar in its own directory, so
 * the repository's own archive is not touched.
 */
@Timeout(180)
class LauncherArchiveTest {
    private static final String PREPARING = "gatehouse: preparing class archive";

    @TempDir
    Path tmp;

    private Path home;
    private Path target;
    private Path javaTmp;
    private JarProcesses processes;

    @BeforeEach
    void copyTheLauncherAndJar() throws IOException {
        assertTrue(Files.isRegularFile(CommandLineTest.JAR), "the reactor builds " + CommandLineTest.JAR + " before the tests");
        home = Files.createDirectories(tmp.resolve("gatehouse"));
        target = Files.createDirectories(home.resolve("admin-console/target"));
        Files.copy(CommandLineTest.ROOT.resolve("gatehouse"), home.resolve("gatehouse"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(CommandLineTest.JAR, target.resolve("gatehouse.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        processes = new JarProcesses(tmp);
    }

    @AfterEach
    void cleanUp() {
        processes.close();
    }

    /** {@code ./gatehouse ARGS} of the copy, with the JVM's temporary directory in the test's; its exit code. */
    private int launch(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("gatehouse").toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(Map.of("GATEHOUSE_JAVA_EXTRA", "-Djava.io.tmpdir=" + javaTmp));
        env.putAll(extraEnv);
        Process p = processes.start(tmp, command, env);
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the launcher ends by itself");
        return p.exitValue();
    }

    private Path archive() {
        return target.resolve("gatehouse.jsa");
    }

    /** {@code java -Xshare:on} with the archive: the JVM refuses to start when it cannot use it. */
    private int versionRequiringTheArchive() throws Exception {
        Process p = processes.start(tmp, List.of("java", "-Xshare:on", "-XX:SharedArchiveFile=" + archive(),
                "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                "-jar", target.resolve("gatehouse.jar").toString(), "version"), Map.of());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java ends by itself");
        return p.exitValue();
    }

    private List<String> leftovers() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tmp") || n.endsWith(".log")).forEach(names::add);
        }
        try (Stream<Path> files = Files.list(javaTmp)) {
            files.map(f -> f.getFileName().toString()).forEach(names::add);
        }
        return names;
    }

    @Test
    void theFirstUseMakesTheArchiveAndTheStartsAfterUseItAsItIs() throws Exception {
        assertEquals(0, launch(Map.of(), "version"), processes.err(0));
        assertTrue(processes.out(0).startsWith("gatehouse "), processes.out(0));
        assertTrue(processes.err(0).contains(PREPARING), "says once what the first use does: " + processes.err(0));
        assertEquals(1, processes.err(0).lines().count(), "nothing but that line on stderr: " + processes.err(0));
        assertTrue(Files.size(archive()) > 1_000_000, "the archive is made next to the jar");
        assertEquals(List.of(), leftovers(), "the training leaves nothing behind");

        assertEquals(0, versionRequiringTheArchive(), "a JVM that must map the archive runs: " + processes.err(1));
        assertTrue(processes.out(1).startsWith("gatehouse "), processes.out(1));

        FileTime made = Files.getLastModifiedTime(archive());
        assertEquals(0, launch(Map.of(), "version"), processes.err(2));
        assertEquals("", processes.err(2), "the second start uses the archive without a word");
        assertEquals(made, Files.getLastModifiedTime(archive()), "and does not make it again");
    }

    @Test
    void anArchiveOlderThanTheJarIsMadeAgain() throws Exception {
        assertEquals(0, launch(Map.of(), "version"), processes.err(0));
        FileTime made = Files.getLastModifiedTime(archive());
        Files.setLastModifiedTime(target.resolve("gatehouse.jar"), FileTime.fromMillis(made.toMillis() + 10_000));

        assertEquals(0, launch(Map.of(), "version"), processes.err(1));
        assertTrue(processes.err(1).contains(PREPARING), "a jar rebuilt after the archive: made again: " + processes.err(1));
        assertNotEquals(made, Files.getLastModifiedTime(archive()));
        assertEquals(0, versionRequiringTheArchive(), "the new archive fits the new jar: " + processes.err(2));
    }

    @Test
    void aBrokenArchiveIsMadeAgainInsteadOfCrashingTheJvm() throws Exception {
        assertEquals(0, launch(Map.of(), "version"), processes.err(0));
        byte[] whole = Files.readAllBytes(archive());
        archive().toFile().setWritable(true);
        Files.write(archive(), java.util.Arrays.copyOf(whole, whole.length / 2)); // a JVM mapping this dies of SIGBUS

        assertEquals(0, launch(Map.of(), "version"), processes.err(1));
        assertTrue(processes.out(1).startsWith("gatehouse "), processes.out(1));
        assertTrue(processes.err(1).contains(PREPARING), "the broken file is replaced: " + processes.err(1));
        assertTrue(Files.size(archive()) > whole.length / 2, "by a whole archive");
        assertEquals(0, versionRequiringTheArchive(), "that a JVM can map: " + processes.err(2));
    }

    @Test
    void anArchiveMadeByAnotherJavaIsMadeAgain() throws Exception {
        assertEquals(0, launch(Map.of(), "version"), processes.err(0));
        Path id = target.resolve("gatehouse.jsa.id");
        String[] made = Files.readString(id).strip().split(" ", 3);
        assertEquals(String.valueOf(Files.size(archive())), made[0], "the archive's size is kept beside it: " + made[0]);
        FileTime madeAt = Files.getLastModifiedTime(archive());
        // as after a JDK update in place: the java on the PATH is no longer the file that made the archive
        Files.writeString(id, made[0] + " 0:0:0:0" + (made.length > 2 ? " " + made[2] : "") + "\n");

        assertEquals(0, launch(Map.of(), "version"), processes.err(1));
        assertTrue(processes.err(1).contains(PREPARING), "made again for this java: " + processes.err(1));
        assertNotEquals(madeAt, Files.getLastModifiedTime(archive()));
        assertEquals(made[1], Files.readString(id).strip().split(" ", 3)[1], "the same java, the same identity");
        assertEquals(0, launch(Map.of(), "version"), processes.err(2));
        assertEquals("", processes.err(2), "and then used without a word");
    }

    @Test
    void anArchiveThatCannotBeMadeIsSaidOnceAndGatehouseRunsWithoutIt() throws Exception {
        // the training needs a temporary directory: without one it fails, as it would on a full disk
        Map<String, String> noTmp = Map.of("GATEHOUSE_JAVA_EXTRA", "-Djava.io.tmpdir=" + tmp.resolve("missing"));
        assertEquals(0, launch(noTmp, "version"), processes.err(0));
        assertTrue(processes.out(0).startsWith("gatehouse "), "Gatehouse ran all the same: " + processes.out(0));
        assertTrue(processes.err(0).contains("could not prepare the class archive"), processes.err(0));
        assertFalse(Files.exists(archive()));
        assertTrue(Files.isRegularFile(target.resolve("gatehouse.jsa.failed")), "what the training said is kept");

        assertEquals(0, launch(noTmp, "version"), processes.err(1));
        assertEquals("", processes.err(1), "said once: the next start neither trains nor warns again");
        assertTrue(processes.out(1).startsWith("gatehouse "), processes.out(1));
    }
}
