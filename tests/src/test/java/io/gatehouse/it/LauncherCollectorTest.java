package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's collector: Serial for a proxy's short-lived garbage, G1 when the conf.d it runs asks for a
 * response cache (whose evicted answers are old garbage), {@code GATEHOUSE_GC} to choose.
 */
@Timeout(120)
class LauncherCollectorTest {
    private static final String SERIAL = "-Xmn12m -XX:+UseSerialGC";
    private static final String G1 = "-XX:+UseG1GC";

    @TempDir
    Path tmp;

    private JarProcesses processes;
    private int started;

    @BeforeEach
    void open() {
        processes = new JarProcesses(tmp);
    }

    @AfterEach
    void close() {
        processes.close();
    }

    /** A conf.d of one site on loopback whose cluster section ends with {@code extra} lines. */
    private Path confD(String name, String extra) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("site.conf"), """
                [server]
                ip = 127.0.0.1
                port = 18555

                [routes:line]
                / = @origin

                [@origin]
                members = 127.0.0.1:18556
                """ + extra);
        return dir;
    }

    /** {@code ./gatehouse ARGS} without the class archive: what it printed to stdout and stderr, after its exit code. */
    private String launch(Map<String, String> env, int exit, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", CommandLineTest.ROOT.resolve("gatehouse").toString()));
        command.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("GATEHOUSE_CDS", "0");
        Process p = processes.start(tmp, command, all);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the launcher ends by itself");
        int n = started++;
        String said = processes.out(n) + processes.err(n);
        assertEquals(exit, p.exitValue(), said);
        return said;
    }

    private String options(Path conf, Map<String, String> env) throws Exception {
        return launch(env, 0, "java-options", "--conf", conf.toString());
    }

    @Test
    void serialWithoutACacheAndG1WithOne() throws Exception {
        String plain = options(confD("plain", ""), Map.of());
        assertTrue(plain.contains(SERIAL) && !plain.contains(G1), plain);
        assertTrue(options(confD("proxypass", "\n[proxypass]\ncache_memory = 16\n"), Map.of()).contains(G1));
        String onCluster = launch(Map.of(), 0, "java-options", "--conf=" + confD("cluster", "  cache = yes ; this one\n"));
        assertTrue(onCluster.contains(G1) && !onCluster.contains("-Xmn"), "G1 sizes its young generation: " + onCluster);
        assertTrue(onCluster.contains("-XX:MaxGCPauseMillis=10"), "to a short pause target: " + onCluster);
        String off = options(confD("off", "cache = no\n;[proxypass]\n# cache = yes\n"), Map.of());
        assertTrue(off.contains(SERIAL), "a cache said no or commented out: " + off);
    }

    @Test
    void gatehouseGcChooses() throws Exception {
        Path cached = confD("cached", "\n[proxypass]\n");
        assertTrue(options(cached, Map.of("GATEHOUSE_GC", "serial")).contains(SERIAL));
        assertTrue(options(confD("plain", ""), Map.of("GATEHOUSE_GC", "g1")).contains(G1));
        String refused = launch(Map.of("GATEHOUSE_GC", "zgc"), 2, "java-options", "--conf", cached.toString());
        assertTrue(refused.contains("GATEHOUSE_GC must be serial or g1, not zgc"), refused);
    }

    @Test
    void theJvmRunsWithTheCollectorChosen() throws Exception {
        Map<String, String> gcLog = Map.of("GATEHOUSE_JAVA_EXTRA", "-Xlog:gc");
        String cached = launch(gcLog, 0, "check", "--conf", confD("cached", "\n[proxypass]\ncache_memory = 16\n").toString());
        assertTrue(cached.contains("Using G1") && cached.contains("configuration OK"), cached);
        String plain = launch(gcLog, 0, "check", "--conf", confD("plain", "").toString());
        assertTrue(plain.contains("Using Serial"), plain);
        assertFalse(plain.contains("Using G1"), plain);
    }
}
