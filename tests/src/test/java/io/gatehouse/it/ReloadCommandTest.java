package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator reloads it: {@code kill -HUP} reloads a {@code gatehouse run} (even an
 * unchanged directory), and {@code gatehouse reload} run from the same directory with no option finds
 * it through its pid file, exits 0 when the reload applied and 1, with every problem at its
 * {@code file:line}, when it was refused, while the running configuration keeps serving. The pid file
 * keeps a second instance from starting and is gone after a clean stop.
 */
@Timeout(120)
class ReloadCommandTest {
    @TempDir
    Path tmp;

    private JarProcesses processes;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        processes = new JarProcesses(tmp);
    }

    @AfterEach
    void cleanUp() {
        processes.close();
    }

    /** Runs the jar in {@code tmp}, as {@code ./gatehouse ARGS} from the directory that holds conf.d. */
    private Process start(String... args) throws IOException {
        return processes.jar(tmp, args);
    }

    private String out(int i) throws IOException {
        return processes.out(i);
    }

    private String err(int i) throws IOException {
        return processes.err(i);
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends by itself");
        return p.exitValue();
    }

    private String body(int port) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hc")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void site(int port, String hc) throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf.d"));
        Path temp = conf.resolve(".site.conf.new");
        Files.writeString(temp, "[server]\nport = " + port + "\n\n[routes:line]\n/hc = return 200 " + hc + "\n");
        Files.move(temp, conf.resolve("site.conf"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits (at most 20 s) until {@code text} holds {@code wanted}. */
    private static void await(Callable<String> text, String wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!text.call().contains(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never showed " + wanted + ": " + text.call());
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling another process's output
        }
    }

    @Test
    void sighupAndGatehouseReloadReloadARunningGatehouseAndARefusalExitsOneWithFileAndLine() throws Exception {
        int port = GatehouseHarness.freePort();
        site(port, "one");
        Process gatehouse = start("run");
        Path pidFile = tmp.resolve("logs/gatehouse.pid");
        Path statusFile = tmp.resolve("logs/gatehouse.reload");
        await(() -> Files.exists(statusFile) ? "x" : "", "x");
        assertEquals(Long.toString(gatehouse.pid()), Files.readString(pidFile).trim(), "the pid file in the [log] dir");
        assertEquals("one", body(port));

        // SIGHUP reloads, even a directory that did not change
        new ProcessBuilder("kill", "-HUP", Long.toString(gatehouse.pid())).start().waitFor(10, TimeUnit.SECONDS);
        await(() -> err(0), "reload applied (generation 2, trigger SIGHUP, 1 file)");
        await(() -> Files.readString(statusFile), "\"trigger\":\"SIGHUP\"");
        assertTrue(gatehouse.isAlive());

        // a second instance is refused while the pid file names this one
        Process second = start("run");
        assertEquals(1, exit(second));
        assertTrue(err(1).contains(pidFile.getFileName() + " names process " + gatehouse.pid()), err(1));

        // gatehouse reload, no option, from the same directory: applied
        site(port, "two");
        Process reload = start("reload");
        assertEquals(0, exit(reload), err(2));
        assertTrue(out(2).contains("gatehouse: reload applied (generation "), out(2));
        assertEquals("two", body(port));

        // a broken directory: refused, exit 1, file:line printed; the running configuration serves on
        Files.writeString(tmp.resolve("conf.d/broken.conf"), "[@broken]\nmembers = 127.0.0.1:notaport\n");
        Process refused = start("reload");
        assertEquals(1, exit(refused), out(3) + err(3));
        Path broken = Path.of("conf.d", "broken.conf");
        assertTrue(err(3).contains(broken + ":2: [@broken] member"), "the problem at its file:line: " + err(3));
        assertTrue(err(3).contains("gatehouse: reload refused (1 error)"), err(3));
        assertFalse(err(3).contains("Exception"), err(3));
        assertEquals("two", body(port), "the previous configuration keeps serving");
        assertTrue(Files.readString(tmp.resolve("logs/error.log")).contains("reload refused (1 error)"),
                "the refusal is in the error log too");

        gatehouse.destroy(); // SIGTERM: a clean stop removes the pid file
        assertEquals(0, exit(gatehouse), err(0));
        assertFalse(Files.exists(pidFile), "the pid file is removed at a clean stop");
    }

    @Test
    void reloadWithNoRunningGatehouseSaysSoAndExitsOne() throws Exception {
        site(GatehouseHarness.freePort(), "one");
        assertEquals(1, exit(start("reload")));
        assertTrue(err(0).contains("gatehouse: no running Gatehouse: logs/gatehouse.pid does not exist"), err(0));
        Path pid = Files.createDirectories(tmp.resolve("elsewhere")).resolve("g.pid");
        Files.writeString(pid, "999999999\n");
        assertEquals(1, exit(start("reload", "--pid", pid.toString())));
        assertTrue(err(1).contains("names process 999999999, which is not running"), err(1));
        assertEquals(2, exit(start("check", "--pid", pid.toString())), "check takes no --pid");
    }
}
