package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.check.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever is in conf.d, loading gives Problems and never an exception: junk assembled from the
 * grammar's own pieces (to reach deep into every binder), random bytes, and huge lines. Seeds are fixed,
 * so a failure is reproducible.
 */
class ConfLoaderGarbageTest {
    private static final String[] PIECES = {
        "[", "]", "[server]", "[ssl]", "[tunefactors]", "[proxypass]", "[log]", "[api-gateway]", "[routes:line]",
        "[route:line]", "[@api]", "[@", "[@x y]", "[admin]", "[smtpda]", "[crontab:line]", "[]", "[[x]]",
        "=", " = ", "==", "@", "@ ", "@api", "*", ".", "*.", "..", "/", "//", "/..", "/./", "?", "#", ";", " ;", " #",
        ":", "::", "[::1]", "[::", "0.0.0.0", "::", "127.0.0.1", "localhost", "999.1.1.1", "a.example", ".a.example",
        "*.a.example", "ip", "port", "threads", "processes", "members", "weight=", "weight=0", "weight=3", "backup",
        "strategy", "round_robin", "roles", "ips", "type", "ssl", "yes", "no", "on", "1", "0", "-1", "65536",
        "99999999999999999999", "1.5s", "10ms", "2m", "1h", "7d", "64k", "1m", "9g", "return", "return 200",
        "return 99", "redirect", "redirect 301", "redirect 301 /x", "redirect 301 https://", "http://", "https://",
        "http://a:b@c", "http://[::1]:80/x", "ws://x", "/var/wsgi/app:app", "mod:app", "${", "${X}", "${UNSET}",
        "%(X)s", "%(UNSET)s", "$$", "$", "%(", ",", ", ,", "\t", " ", "\u0000", "\uFFFD", "\u00e9", "\u202e",
        "\\", "\"", "'", "x", "weight=256 backup", "static_max_age", "keep_alive", "max_header_size", "dir",
        "ring_size", "retain_days", "cache_memory", "enable_ssl", "authenticate", "/ = return 200\n"};

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverThrowsOnJunkMadeOfTheGrammarsPieces(int seed, @TempDir Path tmp) {
        Random random = new Random(seed);
        ConfDirFixture f = new ConfDirFixture(tmp);
        int files = 1 + random.nextInt(3);
        for (int i = 0; i < files; i++) {
            StringBuilder text = new StringBuilder();
            int lines = 100 + random.nextInt(300);
            for (int l = 0; l < lines; l++) {
                int pieces = random.nextInt(6);
                for (int p = 0; p < pieces; p++) {
                    text.append(PIECES[random.nextInt(PIECES.length)]);
                    if (random.nextBoolean()) {
                        text.append(' ');
                    }
                }
                text.append(random.nextInt(10) == 0 ? "\r\n" : "\n");
            }
            f.file((char) ('a' + i) + ".conf", text.toString());
        }
        assertOnlyProblems(f, f.load(Map.of("X", "1")));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverThrowsOnRandomBytes(int seed, @TempDir Path tmp) {
        Random random = new Random(seed);
        ConfDirFixture f = new ConfDirFixture(tmp);
        byte[] bytes = new byte[1 + random.nextInt(20_000)];
        random.nextBytes(bytes);
        f.bytes("junk.conf", bytes);
        byte[] mixed = ("[routes:line]\n/ = return 200\n[server]\nport = ").getBytes(StandardCharsets.UTF_8);
        byte[] tail = new byte[500];
        random.nextBytes(tail);
        byte[] both = new byte[mixed.length + tail.length];
        System.arraycopy(mixed, 0, both, 0, mixed.length);
        System.arraycopy(tail, 0, both, mixed.length, tail.length);
        f.bytes("mixed.conf", both);

        LoadOutcome outcome = f.load();

        assertOnlyProblems(f, outcome);
        assertFalse(outcome.ok());
    }

    @Test
    void neverThrowsOnHugeLinesAndKeepsMessagesShort(@TempDir Path tmp) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        String huge = "x".repeat(400_000);
        f.file("a.conf", "[server]\nname = " + huge + "\nport = " + huge + "\n" + huge + "\n[routes:line]\n/"
                + huge + " = return 200\n/ = http://" + huge + "\n@ " + huge + "\n/y = " + huge + "\n");

        LoadOutcome outcome = f.load();

        assertOnlyProblems(f, outcome);
        assertFalse(outcome.ok());
        assertTrue(outcome.problems().size() >= 5, () -> outcome.problems().toString());
        outcome.problems().forEach(p -> assertTrue(p.toString().length() < 1_000, p.toString()));
    }

    @Test
    void refusesAFileTooLargeToBeAConfiguration(@TempDir Path tmp) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.bytes("big.conf", new byte[(int) ConfLoader.MAX_FILE_BYTES + 1]);

        assertEquals(List.of("@D/big.conf: file is too large (4194305 bytes; at most 4194304)"), f.problems());
    }

    @Test
    void checkCommandSurvivesGarbageToo(@TempDir Path tmp) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.bytes("a.conf", new byte[] {0, (byte) 0xff, '[', '\n', '=', '\r', '@', (byte) 0xc3});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = CheckCommand.run(f.dir(), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(1, status);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("Exception"));
    }

    private static void assertOnlyProblems(ConfDirFixture f, LoadOutcome outcome) {
        for (Problem p : outcome.problems()) {
            String line = p.toString();
            assertFalse(line.contains("internal error"), () -> f.shown(line));
            assertFalse(line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0, () -> "one line per problem: " + line);
        }
        assertEquals(outcome.problems().stream().noneMatch(Problem::isError), outcome.ok());
    }
}
