package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8, item 1: a route that answers 403 must not be reachable through a path that Gatehouse
 * routes elsewhere but a member reads as that route. The member here is as lenient as real ones
 * are: it decodes {@code %2F}, splits on {@code \} and {@code %5C}, cuts {@code ;} path parameters
 * (Tomcat) and resolves dot-segments, and serves the secret for any path it reads as
 * {@code /secret/...}. The static site beside it has {@code www/private/file.txt} under a 403 route.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Issue8BlockedPathBypassTest {
    @TempDir
    static Path tmp;

    RawMember app;
    RawMember api;
    GatehouseHarness gatehouse;

    @BeforeAll
    void start() throws Exception {
        app = RawMember.start((target, head, in, out) -> {
            String read = lenientRead(target);
            String body = read.startsWith("/secret/") || read.equals("/secret") ? "SECRET" : "app " + target;
            out.write(RawMember.latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
            return true;
        });
        api = RawMember.start((target, head, in, out) -> {
            String body = "api " + target;
            out.write(RawMember.latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
            return true;
        });
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.createDirectories(www.resolve("private"));
        Files.writeString(www.resolve("private/file.txt"), "PRIVATE");
        Files.createDirectories(www.resolve("x"));
        Files.writeString(www.resolve("a;b.txt"), "semicolon file");
        Files.writeString(www.resolve("public.txt"), "public file");
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app
                /secret = return 403 Forbidden
                /api = @api

                @ static.test
                / = %s
                /private = return 403 Forbidden

                [@app]
                members = 127.0.0.1:%d
                [@api]
                members = 127.0.0.1:%d
                """.formatted(www, app.port(), api.port()));
    }

    @AfterAll
    void stop() throws Exception {
        gatehouse.close();
        app.close();
        api.close();
    }

    /** How a lenient member reads a path: params cut, %XX decoded (%2F and %5C too), \ as /, dots resolved. */
    static String lenientRead(String target) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        StringBuilder cut = new StringBuilder();
        boolean params = false;
        for (char c : path.toCharArray()) {
            if (c == '/') {
                params = false;
            }
            if (c == ';') {
                params = true;
            }
            if (!params) {
                cut.append(c);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String s = cut.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c == '\\' ? '/' : c);
            }
        }
        String decoded = bytes.toString(StandardCharsets.UTF_8).replace('\\', '/');
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/")) {
            if (segment.equals("..")) {
                segments.pollLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    private String get(String host, String target) throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").readAll();
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void theBlockedRouteIsBlockedAndTheLenientMemberReallyServesTheSecret() throws Exception {
        assertEquals(403, status(get("a.test", "/secret/file.txt")));
        assertEquals(403, status(get("static.test", "/private/file.txt")));
        assertEquals("/secret/file.txt", lenientRead("/x/..;/secret/file.txt"), "the member reads the trick as the secret");
        assertEquals("/secret/file.txt", lenientRead("/secret%2Ffile.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/secret%2Ffile.txt", "/secret%2ffile.txt", "/x/..%2Fsecret/file.txt", "/secret%5Cfile.txt",
            "/secret\\file.txt", "/x/..\\secret/file.txt", "/x/..%5csecret/file.txt", "/x/..;/secret/file.txt",
            "/secret;/file.txt", "/secret;jsessionid=1/file.txt", "/x;y/..;/secret/file.txt",
            "/x%2F..;/secret/file.txt",
    })
    void aTrickThatReachesTheSecretThroughTheMemberIsRefused(String target) throws Exception {
        String r = get("a.test", target);
        assertFalse(r.contains("SECRET"), target + " reached the secret: " + r);
        assertEquals(400, status(r), target + ": " + r);
        assertTrue(r.toLowerCase(Locale.ROOT).contains("content-type: application/json"), r);
        assertTrue(body(r).contains("\"status\":400") && body(r).contains("another route"), r);
    }

    @Test
    void anEncodedSlashNeverSendsARequestToTheWrongCluster() throws Exception {
        String r = get("a.test", "/api%2Finfo.txt");
        assertEquals(400, status(r), r);
        assertFalse(body(r).startsWith("app "), "the / cluster must not get what the member reads as /api: " + r);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/private%2Ffile.txt", "/x/..%2Fprivate/file.txt", "/private%5Cfile.txt", "/private\\file.txt",
            "/x/..;/private/file.txt", "/private;/file.txt", "/x/..\\private\\file.txt",
    })
    void aTrickAgainstABlockedPartOfAStaticDirectoryIsRefused(String target) throws Exception {
        String r = get("static.test", target);
        assertFalse(r.contains("PRIVATE"), target + " served the private file: " + r);
        assertEquals(400, status(r), target + ": " + r);
        assertTrue(body(r).contains("\"status\":400"), r);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/..;/secret", "/a/..%2F..%2Fsecret", "/a\\..\\..\\secret"})
    void aPathThatClimbsAboveTheRootUnderAnyReadingIsRefused(String target) throws Exception {
        String r = get("a.test", target);
        assertEquals(400, status(r), target + ": " + r);
        assertTrue(body(r).contains("climbs above /"), r);
    }

    @Test
    void aPathThatEveryReadingRoutesTheSameIsForwardedUnchanged() throws Exception {
        for (String target : List.of("/api/a%2Fb", "/api/items;v=2", "/api/a\\b", "/api/x;y/z?q=%2F;\\",
                "/docs%2Fa;b/c\\d")) {
            String r = get("a.test", target);
            assertEquals(200, status(r), target + ": " + r);
            String who = target.startsWith("/api") ? "api " : "app ";
            assertEquals(who + target, body(r), "forwarded exactly as received: " + target);
        }
    }

    @Test
    void aStaticFileWhosePathEveryReadingRoutesTheSameIsServed() throws Exception {
        assertEquals("semicolon file", body(get("static.test", "/a;b.txt")));
        assertEquals("public file", body(get("static.test", "/public.txt")));
    }
}
