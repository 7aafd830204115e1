package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.app.Assembly;
import io.gatehouse.app.StartFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error log ({@code logs/error.log}) says why a request got a 502, 504 or a cut-off answer: one
 * line per failed attempt and per answer cut short, with the request id the request log and the
 * client have, the cluster, the member, what happened and how long it took (issue 8). A request that
 * went well has no line.
 */
@Timeout(60)
class ErrorLogTest {
    private static final String STAMP = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ";

    @TempDir
    Path tmp;

    RawMember member;
    int deadPort;
    int deadPort2;
    GatehouseHarness gatehouse;

    @BeforeEach
    void startMember() throws IOException {
        deadPort = GatehouseHarness.freePort();
        deadPort2 = GatehouseHarness.freePort();
        member = RawMember.start((path, head, in, out) -> {
            switch (path.substring(path.lastIndexOf('/'))) {
                case "/slow" -> RawMember.pause(2000);
                case "/bad" -> send(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok");
                case "/cut" -> {
                    send(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                    return false;
                }
                case "/endless" -> {
                    send(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    byte[] chunk = ("2000\r\n" + "x".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 20_000; i++) {
                        out.write(chunk); // until Gatehouse closes: it gave up on the client
                    }
                    return false;
                }
                default -> send(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
            return true;
        });
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @AfterEach
    void stop() throws Exception {
        if (gatehouse != null) {
            gatehouse.close();
        }
        member.close();
    }

    private void start(String logSettings) {
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 500ms

                [routes:line]
                / = @shop
                /dead = @dead
                /dead2 = @dead2
                /solo = @solo

                [@shop]
                members = 127.0.0.1:%d, 127.0.0.1:%d

                [@dead]
                members = 127.0.0.1:%d, 127.0.0.1:%d

                [@dead2]
                members = 127.0.0.1:%d, 127.0.0.1:%d

                [@solo]
                members = 127.0.0.1:%d

                [log]
                dir = ${LOGS}
                %s
                """.formatted(deadPort, member.port(), deadPort, deadPort2, deadPort2, deadPort, member.port(), logSettings));
    }

    /** Sends {@code GET path} with {@code id} as its X-Request-ID and returns everything that came back. */
    private String get(String path, String id) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: shop.test\r\nX-Request-ID: " + id
                    + "\r\nConnection: close\r\n\r\n").readAll();
        }
    }

    private List<String> errorLog() throws IOException {
        Path file = gatehouse.logDir.resolve("error.log");
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    /** The lines about request {@code id}, once at least {@code count} are there (at most 10 s). */
    private List<String> linesOf(String id, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = new ArrayList<>();
            for (String line : errorLog()) {
                if (line.contains(" " + id + " ")) {
                    lines.add(line);
                }
            }
            if (lines.size() >= count || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the log has the two lines of the 502 for {@code marker}, so everything logged before is in. */
    private void flushedUpTo(String marker) throws Exception {
        assertEquals(2, linesOf(marker, 2).size(), "the marker's lines came");
    }

    private static void assertLine(String regex, String line) {
        assertTrue(Pattern.matches(regex, line), "expected " + regex + "\n     got " + line);
    }

    @Test
    void aRefusedMemberFollowedByAGoodOneIsOneWarningAndASuccessIsNone() throws Exception {
        start("");
        int warned = 0;
        for (int i = 1; i <= 4; i++) {
            String answer = get("/ok", "it-shop-" + i);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
        get("/dead", "it-marker");
        flushedUpTo("it-marker");
        for (int i = 1; i <= 4; i++) {
            List<String> lines = linesOf("it-shop-" + i, 0);
            assertTrue(lines.size() <= 1, "at most one line per request: " + lines);
            for (String line : lines) {
                assertLine(STAMP + "WARN  proxy: it-shop-" + i + " @shop 127.0.0.1:" + deadPort
                        + " \"GET /ok HTTP/1.1\": connect\\(\\) refused; trying the next member; attempt \\d+ ms", line);
                warned++;
            }
        }
        assertTrue(warned >= 1, "round robin starts some requests on the refusing member");
        assertTrue(get("/solo/ok", "it-solo").startsWith("HTTP/1.1 200 "));
        // Another cluster of refusing members: @dead's are out for fail_timeout after the first marker.
        get("/dead2", "it-marker-2");
        flushedUpTo("it-marker-2");
        assertEquals(List.of(), linesOf("it-solo", 0), "a request that went well has no line");
    }

    @Test
    void everyMemberRefusingIsAWarningThenTheErrorTheClientGot502For() throws Exception {
        start("");
        String answer = get("/dead", "it-dead");
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);

        List<String> lines = linesOf("it-dead", 2);
        assertEquals(2, lines.size(), lines.toString());
        assertLine(STAMP + "WARN  proxy: it-dead @dead 127.0.0.1:(" + deadPort + "|" + deadPort2
                + ") \"GET /dead HTTP/1.1\": connect\\(\\) refused; trying the next member; attempt \\d+ ms", lines.get(0));
        assertLine(STAMP + "ERROR proxy: it-dead @dead 127.0.0.1:(" + deadPort + "|" + deadPort2
                + ") \"GET /dead HTTP/1.1\": connect\\(\\) refused; 502 to the client; attempt 2, \\d+ ms", lines.get(1));
    }

    @Test
    void aMemberTooSlowToAnswerIsTheErrorTheClientGot504For() throws Exception {
        start("");
        String answer = get("/solo/slow", "it-slow");
        assertTrue(answer.startsWith("HTTP/1.1 504 "), answer);

        List<String> lines = linesOf("it-slow", 1);
        assertEquals(1, lines.size(), lines.toString());
        assertLine(STAMP + "ERROR proxy: it-slow @solo 127.0.0.1:" + member.port() + " \"GET /solo/slow HTTP/1.1\":"
                + " timed out waiting for the answer's head after 500 ms; 504 to the client; attempt \\d+ ms", lines.get(0));
    }

    @Test
    void anInvalidAnswerIsNamedWithWhatWasWrong() throws Exception {
        start("");
        String answer = get("/solo/bad", "it-bad");
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);

        List<String> lines = linesOf("it-bad", 1);
        assertEquals(1, lines.size(), lines.toString());
        assertLine(STAMP + "ERROR proxy: it-bad @solo 127.0.0.1:\\d+ \"GET /solo/bad HTTP/1.1\": upstream sent an"
                + " invalid response: .*Content-Length.*; 502 to the client; attempt \\d+ ms", lines.get(0));
    }

    @Test
    void anAnswerCutShortSaysHowMuchTheClientGot() throws Exception {
        start("");
        String answer = get("/solo/cut", "it-cut");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);

        List<String> lines = linesOf("it-cut", 1);
        assertEquals(1, lines.size(), lines.toString());
        assertLine(STAMP + "ERROR proxy: it-cut @solo 127.0.0.1:\\d+ \"GET /solo/cut HTTP/1.1\": upstream closed the"
                + " connection with the answer's body incomplete; answer cut short after 10 bytes; attempt \\d+ ms",
                lines.get(0));
    }

    @Test
    void aClientThatLeavesIsInformationNotAnError() throws Exception {
        start("");
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("GET /solo/endless HTTP/1.1\r\nHost: shop.test\r\nX-Request-ID: it-gone\r\n\r\n");
            assertTrue(http.readUntil("\r\n\r\n").startsWith("HTTP/1.1 200 "));
        }
        List<String> lines = linesOf("it-gone", 1);
        assertEquals(1, lines.size(), errorLog().toString());
        assertLine(STAMP + "INFO  proxy: it-gone @solo 127.0.0.1:\\d+ \"GET /solo/endless HTTP/1.1\": the client closed"
                + " the connection; answer cut short after \\d+ bytes", lines.get(0));
    }

    @Test
    void errorLevelLeavesOutWhatIsLessSevere() throws Exception {
        start("error_level = error");
        for (int i = 1; i <= 4; i++) {
            get("/ok", "it-quiet-" + i);
        }
        get("/dead", "it-loud");
        List<String> loud = linesOf("it-loud", 1);
        assertEquals(1, loud.size(), "only the ERROR line: " + loud);
        assertTrue(loud.get(0).contains(" ERROR proxy: it-loud "), loud.get(0));
        for (String line : errorLog()) {
            assertTrue(line.contains(" ERROR "), "nothing below error_level: " + line);
        }
    }

    @Test
    void startUpLinesAreThereToo() throws Exception {
        start("");
        get("/dead", "it-marker");
        flushedUpTo("it-marker");
        assertTrue(errorLog().stream().anyMatch(l -> l.matches(STAMP + "INFO  ListenerManager: listening on http://127\\.0\\.0\\.1:"
                + gatehouse.port + " \\(http\\)")), errorLog().toString());
    }

    /** Rotated as the request log is: a log left from an earlier day is renamed, old ones deleted. */
    @Test
    void aLogLeftFromAnEarlierDayIsRotatedAndOldOnesAreDeleted() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        LocalDate today = LocalDate.now();
        Path left = Files.writeString(logs.resolve("error.log"), "a line from yesterday\n");
        Files.setLastModifiedTime(left, FileTime.from(today.minusDays(1).atTime(12, 0)
                .atZone(ZoneId.systemDefault()).toInstant()));
        Path expired = Files.writeString(logs.resolve("error.log." + today.minusDays(30)), "old\n");
        Path kept = Files.writeString(logs.resolve("error.log." + today.minusDays(3)), "recent\n");
        Path other = Files.writeString(logs.resolve("error.log.notes"), "mine\n");

        start("retain_days = 14");
        get("/dead", "it-marker");
        flushedUpTo("it-marker");

        assertEquals(List.of("a line from yesterday"),
                Files.readAllLines(logs.resolve("error.log." + today.minusDays(1))), "yesterday's file, renamed");
        assertTrue(errorLog().stream().noneMatch(l -> l.contains("yesterday")), "today's file starts afresh");
        assertTrue(Files.notExists(expired), "older than retain_days: deleted");
        assertTrue(Files.exists(kept) && Files.exists(other), "recent rotated files and other files stay");
    }

    @Test
    void aLogDirectoryThatCannotBeMadeIsOneErrorAtItsLineInWords() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "");
        Path conf = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(conf.resolve("site.conf"), "[routes:line]\n/ = return 200\n\n[log]\nretain_days = 3\ndir = "
                + file.resolve("logs") + "\n");

        StartFailure failure = assertThrows(StartFailure.class, () -> Assembly.start(conf, Map.of(), System.err));

        assertEquals(List.of(conf.resolve("site.conf") + ":6: [log] dir " + file.resolve("logs")
                + ": cannot create the directory: not a directory"), failure.lines());
    }

    @Test
    void aLogFileThatCannotBeWrittenIsNamed() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Files.createDirectories(logs.resolve("error.log"));
        Path conf = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(conf.resolve("site.conf"), "[routes:line]\n/ = return 200\n\n[log]\ndir = " + logs + "\n");

        StartFailure failure = assertThrows(StartFailure.class, () -> Assembly.start(conf, Map.of(), System.err));

        assertEquals(List.of(conf.resolve("site.conf") + ":5: [log] dir " + logs
                + ": cannot write error.log there: is a directory"), failure.lines());
    }
}
