package io.gatehouse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.api.ConfigJson;
import io.gatehouse.runtime.ReloadOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code gatehouse reload} finds its way with: the pid file where {@code run} puts it (the
 * {@code [log] dir}, read even from a broken directory), the status file read back as written, and
 * the messages when no Gatehouse runs.
 */
class ReloadFilesTest {
    @TempDir
    Path tmp;

    private Path conf(String... files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("conf.d"));
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(dir.resolve(files[i]), files[i + 1]);
        }
        return dir;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                    | logs",
        "'[log]\ndir = /var/log/gh\n'           | /var/log/gh",
        "'[log]\ndir = ${LOGS}/x\n'             | /from-env/x",
        "'[log]\ndir = /var/log/gh\n[@x]\nmembers = nowhere:0\n' | /var/log/gh",
    })
    void thePidFileIsInTheLogDirectoryEvenOfABrokenDirectory(String log, String expected) throws IOException {
        Path dir = conf("a.conf", "[server]\nport = 8080\n\n[routes:line]\n/hc = return 200 OK\n", "z.conf", log);
        PidFile pid = PidFile.of(dir, Map.of("LOGS", "/from-env"), Optional.empty());
        assertEquals(Path.of(expected, "gatehouse.pid"), pid.path());
        assertEquals(Path.of(expected, "gatehouse.reload").toAbsolutePath(), pid.statusFile());
    }

    @Test
    void aStartPassesTheDirectoryAsItLoadedItAndItIsNotReadAgain() throws IOException {
        Path dir = conf("a.conf", "[log]\ndir = /var/log/on-disk\n");
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("a.conf"), "[server]\nport = 8080\n\n[routes:line]\n/hc = return 200 OK\n\n"
                + "[log]\ndir = /var/log/as-loaded\n");
        io.gatehouse.config.bind.LoadOutcome loaded = io.gatehouse.config.bind.ConfLoader.load(other, Map.of(),
                Modules.configChecks());
        assertTrue(loaded.config().isPresent(), loaded.problems().toString());
        assertEquals(Path.of("/var/log/as-loaded", "gatehouse.pid"), PidFile.of(dir, Map.of(), Optional.empty(), loaded).path());
        assertEquals(Path.of("/var/log/on-disk", "gatehouse.pid"), PidFile.of(dir, Map.of(), Optional.empty(), null).path());
    }

    @Test
    void givenPidFileWinsAndAStalePidFileDoesNotStopAStart() throws IOException {
        Path file = tmp.resolve("run/g.pid");
        PidFile pid = PidFile.of(conf(), Map.of(), Optional.of(file));
        assertEquals(file, pid.path());
        assertTrue(pid.running().isEmpty(), "no file");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "999999999\n");
        assertTrue(pid.running().isEmpty(), "a process that does not exist");
        pid.write();
        assertEquals(ProcessHandle.current().pid(), pid.read().getAsLong());
        assertTrue(pid.running().isEmpty(), "this very process");
        pid.remove();
        assertFalse(Files.exists(file));
    }

    @Test
    void theStatusFileReadsBackAsWrittenWithAnyCharacterInTheProblems() {
        Path file = tmp.resolve("gatehouse.reload");
        ReloadStatusFile status = new ReloadStatusFile(file);
        assertTrue(ReloadStatusFile.read(file).isEmpty());
        status.started(1);
        assertEquals(0, ReloadStatusFile.read(file).orElseThrow().attempt());
        List<String> errors = List.of("conf.d/a b.conf:3: [@api] member must be \"host:port\", got \\x\ttab é ✓",
                "conf.d/c.conf:1: second\nline");
        status.accept(new ReloadOutcome(7, Instant.parse("2026-12-03T13:00:00Z"), "console:al\"ice", false, 4, errors,
                List.of("w"), List.of()));
        ReloadStatusFile.Status read = ReloadStatusFile.read(file).orElseThrow();
        assertEquals(new ReloadStatusFile.Status(ProcessHandle.current().pid(), 7, "console:al\"ice", false, 4, errors,
                List.of("w"), List.of()), read);
    }

    @Test
    void theStatusFileHoldsTheConsolesReloadObjectAndThePid() throws IOException {
        ReloadOutcome o = new ReloadOutcome(3, Instant.parse("2026-12-03T13:00:00.750Z"), "console:\u2028b\u0001",
                true, 9, List.of("e \"1\"\n\ud83d\ude00"), List.of(), List.of("[server] port", "x\\y"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode expected = ConfigJson.outcome(o).put("pid", 4242);
        String text = ReloadStatusFile.text(o, 4242);
        assertEquals(json.readTree(json.writeValueAsString(expected)), json.readTree(text)); // same numbers' types
        assertTrue(text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1, text);
        assertTrue(text.contains("\\u2028") && text.contains("\\u0001"), text); // escaped: one line a terminal shows
    }

    @Test
    void reloadWithoutARunningGatehouseExitsOneAndSaysWhere() throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Path dir = conf("a.conf", "[log]\ndir = " + tmp.resolve("logs") + "\n");
        assertEquals(1, ReloadCommand.run(dir, Map.of(), Optional.empty(), System.out, errStream, Duration.ofSeconds(1)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no running Gatehouse: " + tmp.resolve("logs/gatehouse.pid")
                + " does not exist"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reloadHasHelpAndRefusesOptionsItDoesNotTake() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, Gatehouse.run(new String[] {"reload", "--help"}, o, e, Map.of()));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: gatehouse reload [--conf DIR] [--pid FILE]"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--pid FILE"));
        assertEquals(2, Gatehouse.run(new String[] {"reload", "--drain", "5"}, o, e, Map.of()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("reload takes no --drain"), err.toString(StandardCharsets.UTF_8));
    }
}
