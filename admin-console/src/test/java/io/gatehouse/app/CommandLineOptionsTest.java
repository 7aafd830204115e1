package io.gatehouse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as an operator types it: the options every Unix tool has, in both spellings. */
class CommandLineOptionsTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Gatehouse.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path goodConf() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(dir.resolve("a.conf"), "[server]\nport = 8080\n\n[routes:line]\n/hc = return 200 OK\n");
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-v", "version"})
    void versionIsPrintedForEverySpelling(String arg) {
        assertEquals(0, run(arg), err());
        assertTrue(out().matches("gatehouse \\S+\\R"), out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check", "demo", "cert", "passwd", "version"})
    void everyCommandHasHelp(String command) {
        assertEquals(0, run(command, "--help"), err());
        assertTrue(out().startsWith("usage: gatehouse " + command), out());
        assertEquals("", err());
    }

    @Test
    void helpComesBeforeAnyCheckOfTheOtherOptions() {
        assertEquals(0, run("check", "--conf", tmp.resolve("missing").toString(), "-h"), err());
        assertTrue(out().startsWith("usage: gatehouse check"), out());
    }

    @Test
    void confTakesItsDirectoryAfterAnEqualsSignToo() throws IOException {
        Path dir = goodConf();
        assertEquals(0, run("check", "--conf=" + dir), err());
        assertTrue(out().contains(dir + ": configuration OK"), out());
    }

    @Test
    void confWithAnEmptyValueIsAClearUsageError() {
        assertEquals(2, run("check", "--conf="));
        assertTrue(err().contains("--conf needs a directory"), err());
    }

    @Test
    void drainTakesItsSecondsAfterAnEqualsSignToo() {
        assertEquals(2, run("run", "--drain=soon"));
        assertTrue(err().contains("--drain needs a number of seconds"), err());
    }

    @Test
    void anUnknownOptionNamesItself() {
        assertEquals(2, run("check", "--config=x"));
        assertTrue(err().startsWith("gatehouse: unknown option --config=x"), err());
    }
}
