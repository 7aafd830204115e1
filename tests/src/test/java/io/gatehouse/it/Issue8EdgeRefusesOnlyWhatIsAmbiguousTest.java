package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogFormatter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, item 2. Requests that public request-parsing suites send and nginx forwards go through
 * Gatehouse unchanged; every refusal, whether the edge's own or one Undertow's parser would have made,
 * is answered with the JSON body and a request id and leaves a request-log line that says what was
 * received.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Issue8EdgeRefusesOnlyWhatIsAmbiguousTest {
    @TempDir
    static Path tmp;

    /** The request line and body the member got last, by the value of the test's X-Test header. */
    final Map<String, String> seen = new ConcurrentHashMap<>();
    RawMember member;
    GatehouseHarness gatehouse;

    @BeforeAll
    void start() throws Exception {
        member = RawMember.start((target, head, in, out) -> {
            String body = "";
            if ("chunked".equalsIgnoreCase(RawMember.header(head, "Transfer-Encoding"))) {
                body = readChunked(in);
            } else if (RawMember.header(head, "Content-Length") != null) {
                body = new String(in.readNBytes(Integer.parseInt(RawMember.header(head, "Content-Length"))),
                        StandardCharsets.ISO_8859_1);
            }
            String test = RawMember.header(head, "X-Test");
            seen.put(test == null ? "" : test, head.substring(0, head.indexOf("\r\n")) + (body.isEmpty() ? "" : " " + body));
            out.write(RawMember.latin1("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nmember"));
            return true;
        });
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(member.port()));
    }

    @AfterAll
    void stop() throws Exception {
        gatehouse.close();
        member.close();
    }

    private static String readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toString(StandardCharsets.ISO_8859_1);
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private String send(String request) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send(request).readAll();
        }
    }

    private static String header(String response, String name) {
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** The parsed request-log line whose global id is {@code gtid}; waits up to 5 s for the writer. */
    private List<String> logLine(String gtid) throws Exception {
        Path log = gatehouse.logDir.resolve("request.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
                    List<String> fields = RequestLogFormatter.parse(line);
                    if (fields.get(10).equals(gtid)) {
                        return fields;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no request-log line for " + gtid);
    }

    // ---------------------------------------------------------------- accepted and forwarded unchanged

    static Stream<Arguments> validRequests() {
        String uglyQuery = "q=\"x\"&r={1}|^\\`<>&s=%0A";
        return Stream.of(
                Arguments.of("chunk sizes with leading zeros (RFC 9112 7.1)",
                        "POST /upload HTTP/1.1\r\nHost: a.test\r\nX-Test: zeros\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "000005\r\nhello\r\n00000000000000000000006\r\n world\r\n000\r\n\r\n",
                        "POST /upload HTTP/1.1 hello world", "/upload"),
                Arguments.of("encoded control characters in the path",
                        "GET /a%09b/c%0Ad%0De%7f HTTP/1.1\r\nHost: a.test\r\nX-Test: controls\r\n\r\n",
                        "GET /a%09b/c%0Ad%0De%7f HTTP/1.1", "/a%09b/c%0Ad%0De%7f"),
                Arguments.of("characters browsers and nginx pass unescaped, in the path and the query",
                        "GET /s/\"q\"/{id}|x^y`z<b>[c]?" + uglyQuery + " HTTP/1.1\r\nHost: a.test\r\nX-Test: unescaped\r\n\r\n",
                        "GET /s/\"q\"/{id}|x^y`z<b>[c]?" + uglyQuery + " HTTP/1.1", "/s/\"q\"/{id}|x^y`z<b>[c]?" + uglyQuery),
                Arguments.of("a backslash and escapes in the path",
                        "GET /a\\b%20c HTTP/1.1\r\nHost: a.test\r\nX-Test: backslash\r\n\r\n",
                        "GET /a\\b%20c HTTP/1.1", "/a\\b%20c"),
                Arguments.of("1,500 query parameters (Undertow stops at 1,000)",
                        "GET /many?" + "p=1&".repeat(1500) + "end HTTP/1.1\r\nHost: a.test\r\nX-Test: params\r\n\r\n",
                        "GET /many?" + "p=1&".repeat(1500) + "end HTTP/1.1", "/many?" + "p=1&".repeat(1500) + "end"),
                Arguments.of("a 33-character method",
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG /m HTTP/1.1\r\nHost: a.test\r\nX-Test: method\r\n\r\n",
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG /m HTTP/1.1", "/m"),
                Arguments.of("an IPv6 Host with an embedded IPv4 address (RFC 3986's IPv6address)",
                        "GET /v6 HTTP/1.1\r\nHost: [::ffff:127.0.0.1]:8080\r\nX-Test: v6-v4\r\n\r\n", "GET /v6 HTTP/1.1", "/v6"),
                Arguments.of("an absolute-form target whose host is the Host",
                        "GET http://a.test:81/abs?x=1 HTTP/1.1\r\nHost: a.test:81\r\nX-Test: absolute\r\n\r\n",
                        "GET /abs?x=1 HTTP/1.1", "http://a.test:81/abs?x=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRequests")
    void aValidRequestNginxForwardsIsForwardedUnchanged(String what, String request, String memberSaw, String loggedUrl)
            throws Exception {
        String answer = send(request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
        assertTrue(answer.startsWith("HTTP/1.1 200 "), what + ": " + answer);
        assertTrue(answer.endsWith("member"), answer);
        String test = request.substring(request.indexOf("X-Test: ") + 8, request.indexOf("\r\n", request.indexOf("X-Test: ")));
        assertEquals(memberSaw, seen.get(test), what);
        assertEquals(loggedUrl, logLine(header(answer, "X-Request-ID")).get(5), "logged as received");
    }

    // ---------------------------------------------------------------- refused, answered and logged

    static Stream<Arguments> refusals() {
        String listener = "127.0.0.1:";
        return Stream.of(
                // refused by the edge before, and logged as "invalid GET /"
                Arguments.of("CONNECT", "CONNECT member.test:443 HTTP/1.1\r\nHost: member.test:443\r\n\r\n",
                        405, "CONNECT", "member.test:443", listener),
                Arguments.of("a garbage method", "G\u0001T /x HTTP/1.1\r\nHost: a.test\r\n\r\n",
                        400, "G\u0001T", "-", listener),
                Arguments.of("a fragment in the target", "GET /a#frag HTTP/1.1\r\nHost: a.test\r\n\r\n",
                        400, "GET", "/a#frag", listener),
                Arguments.of("a bad Host", "GET /h HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "GET", "/h", listener),
                Arguments.of("a valid Host, a bad Content-Length", "POST /cl HTTP/1.1\r\nHost: a.test\r\nContent-Length: x\r\n\r\n",
                        400, "POST", "/cl", "a.test"),
                // refused by Undertow before, with an empty 400 and no log line
                Arguments.of("a 34-character method", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH /m HTTP/1.1\r\nHost: a.test\r\n\r\n",
                        501, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH", "/m", listener),
                Arguments.of("an empty port in Host", "GET /p HTTP/1.1\r\nHost: a.test:\r\n\r\n", 400, "GET", "/p", listener),
                Arguments.of("port 0 in Host", "GET /p HTTP/1.1\r\nHost: a.test:0\r\n\r\n", 400, "GET", "/p", listener),
                Arguments.of("an IPv6 Host whose embedded IPv4 address is not one", "GET /v6 HTTP/1.1\r\nHost: [::ffff:1.2.3.256]\r\n\r\n",
                        400, "GET", "/v6", listener),
                Arguments.of("an absolute target naming another host",
                        "GET http://other.test/abs HTTP/1.1\r\nHost: a.test\r\n\r\n", 400, "GET", "http://other.test/abs", listener),
                Arguments.of("an absolute target with a port Undertow cannot read",
                        "GET http://a.test:x/abs HTTP/1.1\r\nHost: a.test\r\n\r\n", 400, "GET", "http://a.test:x/abs", listener));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void everyRefusalHasItsJsonBodyItsRequestIdAndALogLineOfWhatWasReceived(String what, String request, int status,
            String method, String url, String server) throws Exception {
        String answer = send(request);
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), what + ": " + answer);
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
        assertTrue(head.contains("content-type: application/json"), what + ": " + answer);
        String id = header(answer, "X-Request-ID");
        assertNotNull(id, what + ": a request id: " + answer);
        assertTrue(answer.contains("\"status\":" + status) && answer.contains("\"request_id\":\"" + id + "\""), answer);

        List<String> line = logLine(id);
        assertEquals(method, line.get(4), what + ": the method as sent");
        assertEquals(url, line.get(5), what + ": the target as sent");
        assertEquals(String.valueOf(status), line.get(7));
        assertTrue(line.get(3).startsWith(server), what + ": server " + line.get(3) + ", expected " + server);
        if (server.equals("127.0.0.1:")) {
            assertEquals("127.0.0.1:" + gatehouse.port, line.get(3), what + ": the listener when the Host was no help");
        }
        assertTrue(seen.keySet().stream().noneMatch(k -> k.isEmpty()), "the member never saw a refused request");
    }

    @Test
    void aRefusedHeadRequestGetsNoBody() throws Exception {
        String answer = send("HEAD /h HTTP/1.1\r\nHost: a b\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.endsWith("\r\n\r\n"), "a HEAD answer has no body: " + answer);
        assertEquals("HEAD", logLine(header(answer, "X-Request-ID")).get(4));
    }
}
