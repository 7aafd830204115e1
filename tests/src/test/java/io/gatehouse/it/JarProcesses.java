package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Processes a test starts, the packaged jar or the launcher, numbered in start order: the standard
 * output and error of the n-th go to {@code out-n.txt} and {@code err-n.txt} in the test's directory.
 * Closing ends any still running.
 */
final class JarProcesses implements AutoCloseable {
    private final Path tmp;
    private final List<Process> processes = new ArrayList<>();

    JarProcesses(Path tmp) {
        this.tmp = tmp;
    }

    /** {@code java -Xmx128m -jar gatehouse.jar ARGS}, in {@code workDir}. */
    Process jar(Path workDir, String... args) throws IOException {
        assertTrue(Files.isRegularFile(CommandLineTest.JAR), "the reactor builds " + CommandLineTest.JAR + " before the tests");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-jar", CommandLineTest.JAR.toString()));
        command.addAll(List.of(args));
        return start(workDir, command, Map.of());
    }

    Process start(Path workDir, List<String> command, Map<String, String> env) throws IOException {
        int n = processes.size();
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(tmp.resolve("out-" + n + ".txt").toFile())
                .redirectError(tmp.resolve("err-" + n + ".txt").toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    String out(int i) throws IOException {
        return Files.readString(tmp.resolve("out-" + i + ".txt"), StandardCharsets.UTF_8);
    }

    String err(int i) throws IOException {
        return Files.readString(tmp.resolve("err-" + i + ".txt"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
