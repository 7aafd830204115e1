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
    void reportsAClustersBadBalancingAndHealthKeysAtTheirLines() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[routes:line]\n/ = @api\n");
        f.file("clusters.conf", """
                [@api]
                members = 10.0.0.1:80, 10.0.0.2:80 down
                strategy = fastest
                hash_key = host
                health = /healthz
                rise = 0
                health_status = 2xx
                fail_on = 200
                queue_timeout = 1s
                """);

        int status = run(f, Map.of());

        assertEquals(1, status);
        assertEquals("""
                @D/clusters.conf:3: [@api] strategy must be one of round_robin, least_conn, ip_hash, consistent_hash, \
                random_two, ewma, got "fastest"
                @D/clusters.conf:4: [@api] hash_key must be client, path, uri, header:NAME or cookie:NAME, got "host"
                @D/clusters.conf:6: [@api] rise must be a whole number >= 1, got 0
                @D/clusters.conf:7: [@api] health_status must be status codes and ranges within 100..599, e.g. 200-399 \
                or 200, 301-302, got "2xx"
                @D/clusters.conf:8: [@api] fail_on must be status codes and ranges within 400..599 (answers that report \
                an error), e.g. 502, 503, 504 or 500-599, got 200
                @D/clusters.conf:9: warning: [@api] queue_timeout has no effect without max_connections: requests wait \
                only for a member at its max_connections limit
                """, err(f));
        assertEquals("@D: 5 errors, 1 warning\n", out(f));
    }

    @Test
    void acceptsAClusterWithEveryPolicyKeyAndWarnsAboutOneThatDoesNothing() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", """
                [@api]
                members = 10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80 backup
                strategy = consistent_hash
                hash_key = cookie:session
                health = /healthz
                fall = 1
                max_fails = 2
                fail_on = 502, 503
                slow_start = 30s
                retries = 1
                max_connections = 50
                [routes:line]
                / = @api
                """);

        int status = run(f, Map.of());

        assertEquals(0, status);
        assertEquals("@D/a.conf:9: warning: [@api] slow_start is ignored by consistent_hash: hash strategies keep their"
                + " keys stable and ignore slow_start\n", err(f));
        assertEquals("@D: configuration OK (1 site, 1 listener, 1 cluster), 1 warning\n", out(f));
    }

    @Test
    void reportsBadCacheKeysAndCacheKeysThatDoNothingAtTheirLines() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[routes:line]\n/ = @api\n/web = @web\n");
        f.file("clusters.conf", """
                [@api]
                members = 10.0.0.1:80
                cache_key = scheme host
                cache_valid = 10m
                [@web]
                members = 10.0.0.2:80
                cache = no
                cache_use_stale = error, timeout
                """);

        int status = run(f, Map.of());

        assertEquals(1, status);
        assertEquals("""
                @D/clusters.conf:3: [@api] cache_key must be parts from scheme, host, path, query and header:NAME \
                separated by spaces, with path (path is missing), got "scheme host"
                @D/clusters.conf:4: warning: [@api] cache_valid has no effect: no [proxypass] section with cache_memory \
                or cache_disk; write one, or cache = yes in this cluster
                @D/clusters.conf:8: [@web] cache_use_stale must be off, or conditions from error, timeout, 5xx, \
                http_500, http_502, http_503, http_504 and updating separated by spaces ("error," is not one), got \
                "error, timeout"
                """, err(f));
        assertEquals("@D: 2 errors, 1 warning\n", out(f));
    }

    @Test
    void acceptsACachedClusterAndWarnsAboutACacheThatCannotStoreAnything() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", """
                [@api]
                members = 10.0.0.1:80
                cache = yes
                cache_key = scheme host path header:Accept-Language
                cache_valid = 10m
                cache_use_stale = error timeout 5xx updating
                [routes:line]
                / = @api
                """);
        f.file("global.conf", "[proxypass]\ncache_memory = 0\n");

        int status = run(f, Map.of());

        assertEquals(0, status);
        assertEquals("""
                @D/a.conf:3: warning: [@api] cache = yes has no effect: [proxypass] at @D/global.conf:1 has \
                cache_memory = 0 and cache_disk = 0, so nothing can be stored
                @D/a.conf:4: warning: [@api] cache_key has no effect: [proxypass] at @D/global.conf:1 has \
                cache_memory = 0 and cache_disk = 0, so nothing can be stored
                @D/a.conf:5: warning: [@api] cache_valid has no effect: [proxypass] at @D/global.conf:1 has \
                cache_memory = 0 and cache_disk = 0, so nothing can be stored
                @D/a.conf:6: warning: [@api] cache_use_stale has no effect: [proxypass] at @D/global.conf:1 has \
                cache_memory = 0 and cache_disk = 0, so nothing can be stored
                """, err(f));
        assertEquals("@D: configuration OK (1 site, 1 listener, 1 cluster), 4 warnings\n", out(f));
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
