package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gatehouse as an operator runs it, for the disk tier's restart tests: the packaged jar (the one
 * {@link CommandLineTest} runs) started as a process on a site directory, stopped with SIGTERM (a clean
 * stop) or killed with SIGKILL (a crash). Its standard error and error log are kept to be read.
 */
final class FlowProcess implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path stderr;
    private final Path logDir;

    private FlowProcess(int port, Process process, Path stderr, Path logDir) {
        this.port = port;
        this.process = process;
        this.stderr = stderr;
        this.logDir = logDir;
    }

    /**
     * Starts {@code gatehouse run} in {@code workDir} with the site file {@code site} (its {@code ${PORT}}
     * a free port) and waits until it answers {@code /hc}.
     */
    static FlowProcess start(Path workDir, String name, String site) throws IOException {
        assertTrue(Files.isRegularFile(CommandLineTest.JAR), "the reactor builds " + CommandLineTest.JAR + " before the tests");
        int port = GatehouseHarness.freePort();
        Path conf = Files.createDirectories(workDir.resolve(name + "-conf.d"));
        Path logDir = workDir.resolve(name + "-logs");
        Files.writeString(conf.resolve("site.conf"), site.replace("${PORT}", Integer.toString(port))
                + "\n[log]\ndir = " + logDir + "\n", StandardCharsets.UTF_8);
        Path stderr = workDir.resolve(name + "-stderr.txt");
        Process p = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
                "-jar", CommandLineTest.JAR.toString(), "run", "--conf", conf.toString()))
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve(name + "-stdout.txt").toFile())
                .redirectError(stderr.toFile())
                .start();
        FlowProcess started = new FlowProcess(port, p, stderr, logDir);
        FlowClient client = new FlowClient(port);
        FlowClient.await(30, () -> {
            if (!p.isAlive()) {
                throw new AssertionError("Gatehouse ended (exit " + p.exitValue() + "): " + started.log());
            }
            try {
                return client.get("/hc").statusCode() == 200;
            } catch (IOException | InterruptedException notYet) {
                return false;
            }
        }, "Gatehouse answers on port " + port);
        return started;
    }

    /** SIGTERM, as systemd stops it: the process closes cleanly and exits 0 (asserted). */
    void stop() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "Gatehouse stops on SIGTERM");
        if (process.exitValue() != 0) {
            throw new AssertionError("exit " + process.exitValue() + " on SIGTERM: " + log());
        }
    }

    /** SIGKILL: a crash, nothing closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "Gatehouse ends on SIGKILL");
    }

    /** Standard error and the error log, as far as written. */
    String log() {
        try {
            Path errorLog = logDir.resolve("error.log");
            return Files.readString(stderr, StandardCharsets.UTF_8)
                    + (Files.exists(errorLog) ? Files.readString(errorLog, StandardCharsets.UTF_8) : "");
        } catch (IOException e) {
            return "(log not readable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
