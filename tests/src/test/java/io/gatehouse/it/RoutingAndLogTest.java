package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogFormatter;
import io.gatehouse.log.RequestLogRecord;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Route precedence through a running Gatehouse (hosts, longest prefix on segment boundaries,
 * static-then-proxy, encoded paths) and the request-log line each request leaves.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingAndLogTest {
    @TempDir
    static Path tmp;

    final List<Undertow> members = new ArrayList<>();
    /** The raw request target each member saw last, by member name. */
    final Map<String, String> seen = new ConcurrentHashMap<>();
    GatehouseHarness gatehouse;
    int deadPort;

    private int member(String name) {
        Undertow u = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
                .setServerOption(io.undertow.UndertowOptions.DECODE_URL, false)
                .setHandler(exchange -> {
                    String target = exchange.getRequestURI()
                            + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString());
                    seen.put(name, target);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send(name + " " + target);
                }).build();
        u.start();
        members.add(u);
        return GatehouseHarness.boundPort(u);
    }

    @BeforeAll
    void start() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "static index");
        Files.createDirectories(www.resolve("catalog"));
        Files.writeString(www.resolve("catalog/file.txt"), "static file in catalog");
        Files.writeString(tmp.resolve("secret.txt"), "outside the root");
        deadPort = GatehouseHarness.freePort();
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = %1$s
                / = @fallback
                /catalog = @catalog
                /catalog/inventory = @inventory
                /hc = return 200 alive
                /moved = redirect 301 /catalog
                /down = @down

                @ exact.example.com
                / = @exact

                @ .suffix.example.com
                / = @suffix

                @ *.star.example.com
                / = @star

                [@fallback]
                members = 127.0.0.1:%2$d
                [@catalog]
                members = 127.0.0.1:%3$d
                [@inventory]
                members = 127.0.0.1:%4$d
                [@exact]
                members = 127.0.0.1:%5$d
                [@suffix]
                members = 127.0.0.1:%6$d
                [@star]
                members = 127.0.0.1:%7$d
                [@down]
                members = 127.0.0.1:%8$d
                """.formatted(www, member("fallback"), member("catalog"), member("inventory"), member("exact"),
                member("suffix"), member("star"), deadPort));
    }

    @AfterAll
    void stop() {
        gatehouse.close();
        members.forEach(Undertow::stop);
    }

    private String answer(String host, String target) throws Exception {
        return answer(host, target, "routing-test");
    }

    private String answer(String host, String target, String userAgent) throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + userAgent
                    + "\r\nConnection: close\r\n\r\n").readAll();
        }
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void theLongestPrefixWinsOnSegmentBoundaries() throws Exception {
        assertEquals("catalog /catalog", body(answer("a.test", "/catalog")));
        assertEquals("catalog /catalog/x", body(answer("a.test", "/catalog/x")));
        assertEquals("fallback /catalogue", body(answer("a.test", "/catalogue")), "/catalog never takes /catalogue");
        assertEquals("inventory /catalog/inventory/9", body(answer("a.test", "/catalog/inventory/9")));
        assertEquals("catalog /catalog/inventoryx", body(answer("a.test", "/catalog/inventoryx")));
    }

    @Test
    void aFileIsServedWhenItExistsAndTheRequestIsProxiedWhenNot() throws Exception {
        assertEquals("static index", body(answer("a.test", "/index.html")));
        assertEquals("fallback /missing.html", body(answer("a.test", "/missing.html")));
        // /catalog is its own route to a cluster: the file under www/catalog is not on that route
        assertEquals("catalog /catalog/file.txt", body(answer("a.test", "/catalog/file.txt")));
    }

    @Test
    void fixedAnswersAndRedirects() throws Exception {
        String hc = answer("a.test", "/hc");
        assertEquals(200, status(hc));
        assertTrue(body(hc).contains("alive"), hc);
        String moved = answer("a.test", "/moved");
        assertEquals(301, status(moved));
        assertTrue(moved.contains("Location: /catalog"), moved);
    }

    @Test
    void hostsMatchExactThenLongestSuffixThenDefault() throws Exception {
        assertEquals("exact /", body(answer("exact.example.com", "/")));
        assertEquals("exact /", body(answer("EXACT.Example.com:8080", "/")), "case and port are ignored");
        assertEquals("suffix /a", body(answer("suffix.example.com", "/a")), ".suffix takes the name itself");
        assertEquals("suffix /a", body(answer("deep.down.suffix.example.com", "/a")));
        assertEquals("star /b", body(answer("x.star.example.com", "/b")), "*.suffix takes subdomains");
        assertEquals("fallback /b", body(answer("star.example.com", "/b")), "but not the name itself");
        assertEquals("fallback /c", body(answer("unknown.test", "/c")));
    }

    @Test
    void encodedPathsNeverEscapeTheRootAndGoUpstreamAsReceived() throws Exception {
        for (String sneaky : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/a/%2E%2E/%2e%2e/secret.txt",
                "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/static/../../secret.txt")) {
            String r = answer("a.test", sneaky);
            assertFalse(r.contains("outside the root"), sneaky + " reached a file outside www: " + r);
            int status = status(r);
            assertTrue(status == 400 || status == 404 || status == 200, sneaky + ": " + r);
            if (status == 200) {
                assertTrue(body(r).startsWith("fallback "), "only the member may answer it: " + r);
            }
        }
        assertEquals(400, status(answer("a.test", "/../secret.txt")), "climbing above / is refused");
        assertEquals("fallback /a%20b/c%2Fd?q=%41", body(answer("a.test", "/a%20b/c%2Fd?q=%41")),
                "escapes go upstream as the client sent them");
    }

    @Test
    void everyRequestLeavesALineWithTheSeventeenFields() throws Exception {
        String ua = "Mozilla/5.0 (X11; \"quoted\" \\back\\ slash) Gatehouse-Test";
        String proxied = answer("logged.test:81", "/logged/proxied?x=1", ua);
        String id = header(proxied, "X-Request-ID");
        answer("logged.test", "/index.html", ua);
        answer("logged.test", "/down/x", ua);

        List<List<String>> lines = waitForLines(3, "/logged/proxied", "/index.html", "/down/x");
        List<String> p = lines.get(0);
        assertEquals(RequestLogFormatter.FIELD_COUNT, p.size());
        assertEquals(LocalDate.now().format(DateTimeFormatter.ofPattern("yyyy.MM.dd")), p.get(0));
        assertTrue(p.get(1).matches("\\d\\d:\\d\\d:\\d\\d"), p.get(1));
        assertTrue(p.get(2).matches("127\\.0\\.0\\.1:\\d+"), p.get(2));
        assertEquals("logged.test:81", p.get(3));
        assertEquals("GET", p.get(4));
        assertEquals("/logged/proxied?x=1", p.get(5));
        assertEquals("HTTP/1.1", p.get(6));
        assertEquals("200", p.get(7));
        assertEquals("0", p.get(8));
        assertEquals(String.valueOf(body(proxied).length()), p.get(9), "bytes sent = the body");
        assertEquals(id, p.get(10), "the global id is the X-Request-ID the client got back");
        assertTrue(p.get(11).matches("\\d+"), p.get(11));
        assertEquals("-", p.get(12));
        assertEquals("-", p.get(13));
        assertEquals(ua, p.get(14), "the user agent survives quotes, backslashes and spaces");
        assertTrue(p.get(15).matches("\\d+ms") && p.get(16).matches("\\d+ms"), p.toString());

        List<String> s = lines.get(1);
        assertEquals("200", s.get(7));
        assertEquals("12", s.get(9), "static index");
        List<String> d = lines.get(2);
        assertEquals("502", d.get(7));

        List<RequestLogRecord> ring = gatehouse.assembly().requestLog().latest(50);
        assertTrue(ring.stream().anyMatch(r -> "/logged/proxied?x=1".equals(r.url()) && id.equals(r.gtid())
                && ua.equals(r.userAgent())), "the in-memory ring has the same record");
    }

    private static String header(String response, String name) {
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** The parsed log lines for the given URL starts, in that order; waits up to 5 s for the async writer. */
    private List<List<String>> waitForLines(int n, String... urlStarts) throws Exception {
        Path log = gatehouse.logDir.resolve("request.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(log)) {
                List<List<String>> found = new ArrayList<>();
                for (String start : urlStarts) {
                    Files.readAllLines(log, StandardCharsets.US_ASCII).stream()
                            .map(RequestLogFormatter::parse)
                            .filter(f -> f.get(5).startsWith(start) && f.get(3).startsWith("logged.test"))
                            .findFirst().ifPresent(found::add);
                }
                if (found.size() == n) {
                    return found;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("request.log did not get the lines within 5 s");
    }

    /**
     * Finds its own line (a euro sign in the user agent, sent as UTF-8, and one percent-encoded in the
     * path) rather than sleeping and checking whatever is there, and checks how those are written, then
     * that every line of the log reads as LOGS.md documents it.
     */
    @Test
    void everyLineOfTheLogParses() throws Exception {
        // The user agent's bytes as they go on the wire: "ua with € sign" in UTF-8, one char per byte.
        answer("x.test", "/parse/" + "%E2%82%AC", "ua with \u00e2\u0082\u00ac sign");
        Path log = gatehouse.logDir.resolve("request.log");
        String mine = null;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (mine == null) {
            if (Files.exists(log)) {
                mine = Files.readAllLines(log, StandardCharsets.US_ASCII).stream()
                        .filter(l -> l.contains(" /parse/")).findFirst().orElse(null);
            }
            if (mine == null) {
                assertTrue(System.nanoTime() - deadline < 0, "request.log did not get the /parse/ line within 5 s");
                Thread.sleep(20);
            }
        }
        assertEquals("/parse/%E2%82%AC", RequestLogFormatter.parse(mine).get(5), "the URL as received, its escapes kept");
        assertTrue(mine.contains(" \"ua with \\xE2\\x82\\xAC sign\" "),
                "spaces kept, the euro sign's UTF-8 bytes escaped once, as LOGS.md says: " + mine);
        for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            assertEquals(17, RequestLogFormatter.parse(line).size(), line);
            // Read as a log reader would, from LOGS.md alone, not with Gatehouse's own parser.
            assertTrue(DOCUMENTED_LINE.matcher(line).matches(), "the 17 documented fields in order: " + line);
        }
    }

    /** LOGS.md's line: date, time, client, server, method, URL, protocol, status, recv, sent, gtid, ltid, user, token, "agent", Nms, Nms. */
    private static final java.util.regex.Pattern DOCUMENTED_LINE = java.util.regex.Pattern.compile(
            "\\d{4}\\.\\d\\d\\.\\d\\d \\d\\d:\\d\\d:\\d\\d (127\\.0\\.0\\.1|\\[::1]):\\d+ \\S+ [A-Z]+ \\S+ HTTP/\\d\\.\\d \\d{3}"
                    + " \\d+ \\d+ \\S+ \\d+ \\S+ \\S+ \"([^\"\\\\]|\\\\.)*\" \\d+ms \\d+ms");

    @Test
    void theBodyReceivedAndTheClientsOwnRequestIdAreLogged() throws Exception {
        String body = "b".repeat(1234);
        String upload;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            upload = http.send("POST /logged/upload HTTP/1.1\r\nHost: logged.test\r\nUser-Agent: upload-test\r\n"
                    + "X-Correlation-ID: corr-42\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n" + body).readAll();
        }
        assertEquals("corr-42", header(upload, "X-Request-ID"), "a client's X-Correlation-ID becomes the request id");
        String other;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            other = http.send("GET /logged/rid HTTP/1.1\r\nHost: logged.test\r\nRequest-ID: rid-7\r\n"
                    + "Connection: close\r\n\r\n").readAll();
        }
        assertEquals("rid-7", header(other, "X-Request-ID"), "and so does its Request-ID");
        List<List<String>> lines = waitForLines(2, "/logged/upload", "/logged/rid");
        assertEquals("POST", lines.get(0).get(4));
        assertEquals("1234", lines.get(0).get(8), "bytes received = the request body");
        assertEquals("corr-42", lines.get(0).get(10));
        assertEquals("rid-7", lines.get(1).get(10));
        assertEquals("-", lines.get(1).get(14), "no user agent: -");
    }
}
