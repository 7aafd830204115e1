package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as an operator runs it: check, run, SIGTERM, a port in use, demo, version. */
@Timeout(120)
class CommandLineTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path JAR = ROOT.resolve("admin-console/target/gatehouse.jar");

    @TempDir
    Path tmp;

    JarProcesses processes;
    final List<Undertow> members = new ArrayList<>();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @org.junit.jupiter.api.BeforeEach
    void setUp() {
        processes = new JarProcesses(tmp);
    }

    @AfterEach
    void cleanUp() {
        processes.close();
        members.forEach(Undertow::stop);
    }

    private Process start(String... args) throws IOException {
        return processes.jar(tmp, args);
    }

    /** Runs the {@code ./gatehouse} launcher from the repository root, as the README has a new user do. */
    private Process launch(String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "the reactor builds " + JAR + " before the tests (so the launcher does not)");
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("gatehouse").toString()));
        command.addAll(List.of(args));
        return processes.start(ROOT, command, java.util.Map.of("GATEHOUSE_JAVA_OPTS", "-Xmx128m"));
    }

    private String out(int i) throws IOException {
        return processes.out(i);
    }

    private String err(int i) throws IOException {
        return processes.err(i);
    }

    private Path conf(String name, String... files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(dir.resolve(files[i]), files[i + 1]);
        }
        return dir;
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the process ends by itself");
        return p.exitValue();
    }

    private void awaitAnswer(int port) throws Exception {
        for (int i = 0; i < 150; i++) {
            try {
                client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/hc")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("Gatehouse did not answer on port " + port);
    }

    @Test
    void checkExitsZeroOnAGoodConfigurationAndListsEveryErrorOtherwise() throws Exception {
        Path good = conf("good", "a.conf", "[server]\nport = 8080\n\n[routes:line]\n/hc = return 200 OK\n");
        assertEquals(0, exit(start("check", "--conf", good.toString())), err(0));

        Path bad = conf("bad",
                "a.conf", "[server]\nport = 8080\n\n[routes:line]\n/ = @nowhere\n",
                "b.conf", "[tunefactors]\n\nresponse_timeout = soon\n");
        int code = exit(start("check", "--conf", bad.toString()));
        assertNotEquals(0, code);
        String all = out(1) + err(1);
        assertTrue(all.contains("a.conf:5:"), "the unknown cluster, with its file and line: " + all);
        assertTrue(all.contains("b.conf:3:"), "the bad timeout, with its file and line: " + all);
        assertFalse(all.contains("Exception") || all.contains("\tat "), "no stack trace: " + all);
    }

    @Test
    void runServesAndSigtermDrainsTheRequestInFlightThenExitsZero() throws Exception {
        java.util.concurrent.CountDownLatch slowArrived = new java.util.concurrent.CountDownLatch(1);
        Undertow member = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1)
                .setHandler(new io.undertow.server.handlers.BlockingHandler(exchange -> {
                    if (exchange.getRequestPath().equals("/slow")) {
                        slowArrived.countDown();
                        Thread.sleep(1500);
                    }
                    exchange.getResponseSender().send("member " + exchange.getRequestPath());
                })).build();
        member.start();
        members.add(member);
        int memberPort = GatehouseHarness.boundPort(member);
        int port = GatehouseHarness.freePort();
        Path dir = conf("run", "site.conf", """
                [server]
                port = %d

                [routes:line]
                / = @app
                /hc = return 200 OK

                [@app]
                members = 127.0.0.1:%d

                [log]
                dir = %s
                """.formatted(port, memberPort, tmp.resolve("logs")));
        Process gatehouse = start("run", "--conf", dir.toString());
        awaitAnswer(port);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(slowArrived.await(10, TimeUnit.SECONDS), "the request is now waiting on the member");
        gatehouse.destroy(); // SIGTERM
        HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), "the request in flight completes");
        assertEquals("member /slow", r.body());
        assertEquals(0, exit(gatehouse), err(0));
        assertTrue(out(0).contains("stopped"), out(0));
    }

    /**
     * {@code kill -HUP} (what {@code systemctl reload} sends) must not end Gatehouse: it reloads the
     * configuration (see {@code ReloadCommandTest}), and requests keep being served.
     */
    @Test
    void sighupReloadsAndGatehouseKeepsServing() throws Exception {
        int port = GatehouseHarness.freePort();
        Path dir = hcSite("hup", port);
        Process gatehouse = start("run", "--conf", dir.toString());
        awaitAnswer(port);
        signal(gatehouse, "HUP");
        String line = "reload applied (generation 2, trigger SIGHUP, 1 file)";
        awaitText(gatehouse, () -> err(0), line);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/hc")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("OK", r.body());
        gatehouse.destroy();
        assertEquals(0, exit(gatehouse), err(0));
    }

    /** The error log is copied to standard error unless {@code error_stderr = no} (issue 8). */
    @Test
    void theErrorLogGoesToItsFileAndToStderrUnlessTurnedOff() throws Exception {
        int dead = GatehouseHarness.freePort();
        int[] ports = {GatehouseHarness.freePort(), GatehouseHarness.freePort()};
        String[] stderrSetting = {"", "error_stderr = no"};
        for (int i = 0; i < 2; i++) {
            Path logs = tmp.resolve("logs-" + i);
            Path dir = conf("stderr-" + i, "site.conf", """
                    [server]
                    port = %d

                    [routes:line]
                    /hc = return 200 OK
                    / = @gone

                    [@gone]
                    members = 127.0.0.1:%d

                    [log]
                    dir = %s
                    %s
                    """.formatted(ports[i], dead, logs, stderrSetting[i]));
            Process gatehouse = start("run", "--conf", dir.toString());
            awaitAnswer(ports[i]);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + ports[i] + "/x")).header("X-Request-ID", "cli-" + i).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, r.statusCode());
            String wanted = "ERROR proxy: cli-" + i + " @gone 127.0.0.1:" + dead + " \"GET /x HTTP/1.1\": connect() refused";
            Path errorLog = logs.resolve("error.log");
            awaitText(gatehouse, () -> Files.exists(errorLog) ? Files.readString(errorLog) : "", wanted);
            gatehouse.destroy();
            assertEquals(0, exit(gatehouse));
            if (i == 0) {
                assertTrue(err(i).contains(wanted), "copied to stderr: " + err(i));
                // SLF4J is told its provider (StartLogProvider) and set up before the first logger (StartWarmup):
                // it neither says so nor replays calls made while it was being set up
                assertFalse(err(i).contains("SLF4J"), "nothing from SLF4J itself: " + err(i));
            } else {
                assertFalse(err(i).contains("proxy:") || err(i).contains("listening on"), "nothing on stderr: " + err(i));
                assertTrue(Files.readString(errorLog).contains("listening on"), "all of it in the file");
            }
        }
    }

    /** The default log directory that cannot be made: said in words, and that it is the default and where. */
    @Test
    void aDefaultLogDirectoryThatCannotBeMadeSaysItIsTheDefault() throws Exception {
        Files.writeString(tmp.resolve("logs"), "a file where the log directory would go");
        Path dir = conf("nolog", "site.conf", "[server]\nport = " + GatehouseHarness.freePort()
                + "\n\n[routes:line]\n/hc = return 200 OK\n");
        assertEquals(1, exit(start("run", "--conf", dir.toString())));
        assertTrue(err(0).contains(dir + ": [log] dir logs (the default, in the working directory: " + tmp.resolve("logs")
                + "): cannot create the directory: it exists and is not a directory; set dir in a [log] section"),
                err(0));
        assertFalse(err(0).contains("Exception"), err(0));
    }

    /** A site answering {@code /hc} with 200 on {@code port}, logging under the test's directory. */
    private Path hcSite(String name, int port) throws IOException {
        return conf(name, "site.conf", """
                [server]
                port = %d

                [routes:line]
                /hc = return 200 OK

                [log]
                dir = %s
                """.formatted(port, tmp.resolve("logs")));
    }

    private static void signal(Process p, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -" + name);
    }

    /**
     * Started with SIGHUP ignored ({@code nohup}), the JVM installs no handler for it: Gatehouse says at the
     * start that signals cannot reload it, and a SIGHUP neither reloads nor ends it.
     */
    @Test
    void startedUnderNohupItSaysSighupCannotReloadItAndKeepsServing() throws Exception {
        int port = GatehouseHarness.freePort();
        Path dir = hcSite("nohup", port);
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process gatehouse = processes.start(tmp, List.of("nohup", javaCommand, "-Xmx128m", "-jar", JAR.toString(), "run",
                "--conf", dir.toString()), java.util.Map.of());
        awaitAnswer(port);
        assertTrue(err(0).contains("gatehouse: SIGHUP is ignored in this process (started under nohup"), err(0));
        signal(gatehouse, "HUP");
        Thread.sleep(500);
        assertTrue(gatehouse.isAlive(), err(0));
        assertEquals(200, client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/hc"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertFalse(err(0).contains("reload applied"), err(0));
        gatehouse.destroy();
        assertEquals(0, exit(gatehouse), err(0));
    }

    /** Waits (at most 10 s) until {@code text} shows {@code wanted}; fails at once if {@code p} ends meanwhile. */
    private static void awaitText(Process p, java.util.concurrent.Callable<String> text, String wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!text.call().contains(wanted)) {
            if (!p.isAlive()) {
                throw new AssertionError("the process ended (exit " + p.exitValue() + ") before showing " + wanted
                        + ": " + text.call());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never showed " + wanted + ": " + text.call());
            }
            Thread.sleep(50);
        }
    }

    /** A port in use is reported at the {@code port} line, not the {@code [server]} header (issue 8). */
    @Test
    void aPortInUseIsOneClearLineAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path dir = conf("busy", "site.conf", "[server]\nport = " + taken.getLocalPort()
                    + "\n\n[routes:line]\n/hc = return 200 OK\n\n[log]\ndir = " + tmp.resolve("logs") + "\n");
            int code = exit(start("run", "--conf", dir.toString()));
            assertNotEquals(0, code);
            String all = out(0) + err(0);
            assertTrue(all.contains(String.valueOf(taken.getLocalPort())), "names the port: " + all);
            assertTrue(all.contains(dir.resolve("site.conf") + ":2: [server] cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": address already in use"), "at the port line, in words: " + all);
            assertFalse(all.contains("Exception") || all.contains("\tat "), "no stack trace: " + all);
        }
    }

    @Test
    void demoStartsMembersForTheClustersAndBalancesOverThem() throws Exception {
        int port = GatehouseHarness.freePort();
        int a = GatehouseHarness.freePort();
        int b = GatehouseHarness.freePort();
        Path dir = conf("demo", "site.conf", """
                [server]
                port = %d

                [routes:line]
                / = @demo
                /hc = return 200 OK

                [@demo]
                members = 127.0.0.1:%d, 127.0.0.1:%d

                [log]
                dir = %s
                """.formatted(port, a, b, tmp.resolve("logs")));
        Process demo = start("demo", "--conf", dir.toString());
        awaitAnswer(port);
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"member\":\"([^\"]+)\"").matcher(r.body());
            assertTrue(m.find(), r.body());
            answeredBy.add(m.group(1));
        }
        assertEquals(Set.of("127.0.0.1:" + a, "127.0.0.1:" + b), answeredBy, "both members take turns");
        demo.destroy();
        assertEquals(0, exit(demo));
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        assertEquals(0, exit(start("version")));
        assertTrue(out(0).matches("(?s)gatehouse \\S+.*"), out(0));
    }

    @Test
    void theLauncherChecksTheShippedConfiguration() throws Exception {
        Process check = launch("check");
        assertEquals(0, exit(check), err(0));
        assertTrue(out(0).contains("configuration OK"), out(0));
    }

    /** The README's first command: the shipped conf.d with demo members, nothing else running. */
    @Test
    void theLauncherDemoServesTheShippedSite() throws Exception {
        for (int port : new int[] {5000, 9001, 9002, 9003}) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertTrue(probe.isBound());
            } catch (IOException e) {
                throw new AssertionError("the shipped conf.d uses 127.0.0.1:" + port + ", which something else holds", e);
            }
        }
        Process demo = launch("demo");
        awaitAnswer(5000);
        HttpResponse<String> home = client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:5000/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("Gatehouse is running"), "the welcome page from www/: " + home.body());
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:5000/api/hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"member\":\"([^\"]+)\"").matcher(r.body());
            assertTrue(m.find(), r.body());
            answeredBy.add(m.group(1));
        }
        assertEquals(Set.of("127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"), answeredBy, "the three demo members take turns");
        demo.destroy(); // SIGTERM to the launcher, which exec'd java
        assertEquals(0, exit(demo));
    }
}
