package io.gatehouse.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests whose framing two parsers could read two ways, sent on a raw socket through the whole of
 * Gatehouse: each gets its error status with a JSON body, the connection is closed, and the member
 * (WireMock) never sees a byte of it.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeRefusalTest {
    @TempDir
    static java.nio.file.Path tmp;

    WireMockServer upstream;
    GatehouseHarness gatehouse;

    @BeforeAll
    void start() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().jettyAcceptors(1)
                .containerThreads(8));
        upstream.start();
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("member")));
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                header_timeout = 1

                [routes:line]
                / = @app
                /hc = return 200 OK

                [@app]
                members = 127.0.0.1:%d
                """.formatted(upstream.port()));
    }

    @AfterAll
    void stop() {
        gatehouse.close();
        upstream.stop();
    }

    @BeforeEach
    void forget() {
        upstream.resetRequests();
    }

    private static final String H = "Host: edge.test\r\n";

    static Stream<Arguments> ambiguous() {
        return Stream.of(
                Arguments.of("CL and TE", 400, "POST / HTTP/1.1\r\n" + H
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE and CL", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
                Arguments.of("differing CLs", 400, "POST / HTTP/1.1\r\n" + H
                        + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("CL list", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\nhello"),
                Arguments.of("CL with sign", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"),
                Arguments.of("negative CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n"),
                Arguments.of("hex CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nhello"),
                Arguments.of("CL overflow", 400, "POST / HTTP/1.1\r\n" + H
                        + "Content-Length: 99999999999999999999999\r\n\r\n"),
                Arguments.of("TE gzip last", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE chunked twice", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE xchunked", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("space before colon", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("underscore TE", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer_Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("control char in name", 400, "GET / HTTP/1.1\r\n" + H + "X-A\u0001b: 1\r\n\r\n"),
                Arguments.of("obs-fold", 400, "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n  folded\r\n\r\n"),
                Arguments.of("bare LF", 400, "GET / HTTP/1.1\n" + H.replace("\r\n", "\n") + "\n"),
                Arguments.of("bare CR", 400, "GET / HTTP/1.1\r\n" + "Host: edge.test\rX: y\r\n\r\n"),
                Arguments.of("two Hosts", 400, "GET / HTTP/1.1\r\n" + H + "Host: other.test\r\n\r\n"),
                Arguments.of("no Host", 400, "GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n"),
                Arguments.of("chunk size not hex", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk size 0x", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk size over 2^63", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("no CRLF after chunk", 400, "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
                Arguments.of("forged marker", 400, "GET / HTTP/1.1\r\n" + H + "X-Gatehouse-Edge-Reject: 200 OK\r\n\r\n"),
                Arguments.of("CONNECT", 405, "CONNECT member:443 HTTP/1.1\r\n" + H + "\r\n"),
                Arguments.of("HTTP/2.0 line", 505, "GET / HTTP/2.0\r\n" + H + "\r\n"),
                Arguments.of("huge head", 431, "GET / HTTP/1.1\r\n" + H + "X-Big: " + "a".repeat(40_000) + "\r\n\r\n"),
                Arguments.of("huge request line", 414, "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n" + H + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguous")
    void isRefusedAndNeverForwarded(String name, int status, String request) throws Exception {
        String answer;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            answer = http.send(request.getBytes(StandardCharsets.ISO_8859_1)).readAll();
        }
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), name + ": " + answer);
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).toLowerCase();
        assertTrue(head.contains("content-type: application/json"), head);
        assertTrue(head.contains("connection: close"), "the connection ends with the refusal: " + head);
        assertTrue(answer.contains("\"status\":" + status), answer);
        assertMemberSawNothing(name, answer);
    }

    /**
     * Once the refused request's exchange is over (its request-log line, found by the request id of the
     * refusal, is written at completion), a request that had gone to the member would have been answered
     * by it, and so be in its journal: no fixed sleep before the negative check.
     */
    private void assertMemberSawNothing(String name, String answer) throws Exception {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"request_id\":\"([^\"]+)\"").matcher(answer);
        assertTrue(id.find(), name + ": the refusal carries its request id: " + answer);
        java.nio.file.Path log = gatehouse.logDir.resolve("request.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        boolean logged = false;
        while (!logged) {
            logged = Files.exists(log) && Files.readAllLines(log).stream()
                    .anyMatch(l -> io.gatehouse.log.RequestLogFormatter.parse(l).get(10).equals(id.group(1)));
            if (!logged) {
                assertTrue(System.nanoTime() - deadline < 0, name + ": no request-log line for " + id.group(1));
                Thread.sleep(20);
            }
        }
        List<LoggedRequest> seen = upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .anyRequestedFor(anyUrl()));
        assertEquals(List.of(), seen, name + ": the member must see nothing");
    }

    @Test
    void aSmugglingAttemptPipelinedAfterAGoodRequestIsRefusedAlone() throws Exception {
        String answer;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            answer = http.send("GET /first HTTP/1.1\r\n" + H + "\r\n"
                    + "POST /second HTTP/1.1\r\n" + H + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + H + "\r\n").readAll();
        }
        int first = answer.indexOf("HTTP/1.1 200");
        int second = answer.indexOf("HTTP/1.1 400");
        assertTrue(first >= 0 && second > first, "the good request answered, then the refusal: " + answer);
        assertEquals(2, answer.split("HTTP/1\\.1 \\d{3} ", -1).length - 1,
                "two answers and nothing for the smuggled request: " + answer);
        List<LoggedRequest> seen = upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .anyRequestedFor(anyUrl()));
        assertEquals(1, seen.size(), "only the first request reached the member");
        assertEquals("/first", seen.get(0).getUrl());
    }

    /**
     * The edge reads what follows a request asking for a protocol switch as an opaque tunnel, so such a
     * request that is not switched must end its connection, whoever answers it: otherwise an ambiguous
     * request sent behind it would be read unchecked.
     */
    @Test
    void aSwitchThatDoesNotHappenEndsTheConnectionWhoeverAnswers() throws Exception {
        for (String path : new String[] {"/hc", "/member", "/nowhere/../.."}) {
            String answer;
            try (RawHttp http = new RawHttp(gatehouse.address())) {
                answer = http.send("GET " + path + " HTTP/1.1\r\n" + H + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        + "POST /smuggled HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n").readAll();
            }
            assertEquals(1, answer.split("HTTP/1\\.1 \\d{3} ", -1).length - 1,
                    path + ": one answer, then the connection ends: " + answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), path + ": " + answer);
        }
        List<LoggedRequest> seen = upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .anyRequestedFor(anyUrl()));
        assertTrue(seen.stream().noneMatch(r -> r.getUrl().contains("smuggled")), "nothing behind the switch went on");
    }

    @Test
    void aClientThatNeverFinishesItsHeadIsCutOff() throws Exception {
        long start = System.nanoTime();
        String answer;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("GET /slow HTTP/1.1\r\n" + H + "X-Partial: ");
            // a normal client on another connection is served meanwhile
            try (RawHttp other = new RawHttp(gatehouse.address())) {
                assertTrue(other.send("GET /meanwhile HTTP/1.1\r\n" + H + "\r\n").readUntil("member")
                        .startsWith("HTTP/1.1 200"));
            }
            answer = http.readAll();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 4000, "header_timeout = 1 s: the connection ends well before 4 s, took " + ms + " ms");
        // Issue 8: a refusal like any other, answered with the JSON body and logged with what had arrived
        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        assertTrue(answer.contains("\"status\":408") && answer.toLowerCase(java.util.Locale.ROOT)
                .contains("connection: close"), answer);
        List<String> fields = logLineFor("/slow");
        assertEquals("GET", fields.get(4));
        assertEquals("408", fields.get(7));
        assertEquals("edge.test", fields.get(3), "the Host had arrived whole");
        assertEquals(1, upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()))
                .size(), "only the normal request reached the member");
    }

    /** The parsed request-log line for {@code url}; waits up to 5 s for the writer. */
    private List<String> logLineFor(String url) throws Exception {
        java.nio.file.Path log = gatehouse.logDir.resolve("request.log");
        for (int i = 0; i < 100; i++) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    List<String> fields = io.gatehouse.log.RequestLogFormatter.parse(line);
                    if (fields.get(5).equals(url)) {
                        return fields;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no request-log line for " + url);
    }

    @Test
    void aValidChunkedBodyIsForwardedInCanonicalForm() throws Exception {
        String answer;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            answer = http.send("POST /chunked HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\nA\r\n, member!!\r\n0\r\n\r\n").readUntil("member");
        }
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        List<LoggedRequest> seen = upstream.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/chunked")));
        assertEquals(1, seen.size());
        assertEquals("hello, member!!", seen.get(0).getBodyAsString());
    }

    @Test
    void refusalsAreInTheRequestLog() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /logged-refusal HTTP/1.1\r\n" + H
                    + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab").readAll();
        }
        java.nio.file.Path log = gatehouse.logDir.resolve("request.log");
        String line = null;
        for (int i = 0; i < 100 && line == null; i++) {
            if (Files.exists(log)) {
                line = Files.readAllLines(log).stream().filter(l -> l.contains("/logged-refusal")).findFirst()
                        .orElse(null);
            }
            if (line == null) {
                Thread.sleep(50);
            }
        }
        assertTrue(line != null, "the refusal is logged");
        List<String> fields = io.gatehouse.log.RequestLogFormatter.parse(line);
        assertEquals("POST", fields.get(4));
        assertEquals("400", fields.get(7));
    }
}
