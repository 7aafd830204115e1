package io.gatehouse.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.ConfDirFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse check}: every problem on stderr, one summary line on stdout, 0 only without errors. */
class CheckCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(ConfDirFixture f, Map<String, String> env) {
        return CheckCommand.run(f.dir(), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out(ConfDirFixture f) {
        return f.shown(out.toString(StandardCharsets.UTF_8));
    }

    private String err(ConfDirFixture f) {
        return f.shown(err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsAnOkSummaryAndExitsZeroForAGoodDirectory() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[@api]\nmembers = 10.0.0.1:80\n[@web]\nmembers = 10.0.0.2:80\n[@img]\nmembers = 10.0.0.3:80\n"
                + "[routes:line]\n/ = @web\n/api = @api\n");
        f.file("b.conf", "[routes:line]\n@ img.example\n/ = @img\n");

        int status = run(f, Map.of());

        assertEquals(0, status);
        assertEquals("@D: configuration OK (2 sites, 1 listener, 3 clusters)\n", out(f));
        assertEquals("", err(f));
    }

    @Test
    void printsWarningsButStillExitsZero() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nthreads = 0\n[routes:line]\n/ = return 200\n");

        int status = run(f, Map.of());

        assertEquals(0, status);
        assertEquals("@D/a.conf:2: warning: [server] threads = 0 (Skitai's single thread) is read as threads = 1\n",
                err(f));
        assertEquals("@D: configuration OK (1 site, 1 listener, 0 clusters), 1 warning\n", out(f));
    }

    @Test
    void printsEveryProblemAndAnErrorCountAndExitsOne() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nport = 0\n[routes:line]\n/ = @nope\n");
        f.file("b.conf", "[server]\nport = 81\nthreads = 0\n[routes:line]\n/ = ${UPSTREAM}\n");

        int status = run(f, Map.of("UPSTREAM", "http://10.0.0.1:8080"));

        assertEquals(1, status);
        assertEquals("""
                @D/a.conf:2: [server] port must be a port number 1..65535, got 0
                @D/a.conf:4: unknown cluster @nope; no cluster is defined (define one with an [@name] section and \
                members = host:port, ...)
                @D/b.conf:3: warning: [server] threads = 0 (Skitai's single thread) is read as threads = 1
                """, err(f));
        assertEquals("@D: 2 errors, 1 warning\n", out(f));
    }

    @Test
    void reportsAMissingDirectory() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        int status = CheckCommand.run(tmp.resolve("nope"), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(1, status);
        assertEquals("@T/nope: configuration directory does not exist\n", err(f));
        assertEquals("@T/nope: 1 error\n", out(f));
    }
}
