package io.gatehouse.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge on a real Undertow listener, over raw sockets on loopback: ambiguous requests are
 * answered with their status after the valid requests pipelined before them, and the upstream
 * stand-in never sees them; valid traffic, large bodies and slow clients behave.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictFramingIntegrationTest {

    private static final String HOST = "Host: gate.example\r\n";
    private static final int SMALL_BUFFER = 512;
    private static final int NORMAL_BUFFER = 16 * 1024;

    private final AtomicInteger ids = new AtomicInteger();
    private EdgeServer normal;
    private EdgeServer tiny;

    @BeforeAll
    void start() throws IOException {
        normal = new EdgeServer(EdgeLimits.DEFAULTS, NORMAL_BUFFER);
        tiny = new EdgeServer(EdgeLimits.DEFAULTS, SMALL_BUFFER);
    }

    @AfterAll
    void stop() throws Exception {
        normal.close();
        tiny.close();
    }

    private EdgeServer server(int undertowBuffer) {
        return undertowBuffer == SMALL_BUFFER ? tiny : normal;
    }

    static Stream<Arguments> ambiguousRequests() {
        String post = "POST {T} HTTP/1.1\r\n" + HOST;
        String chunked = post + "Transfer-Encoding: chunked\r\n\r\n";
        StringBuilder manyFields = new StringBuilder("GET {T} HTTP/1.1\r\n" + HOST);
        for (int k = 0; k < 100; k++) {
            manyFields.append("X-F").append(k).append(": v\r\n");
        }
        return Stream.of(
                bad("Content-Length with Transfer-Encoding", 400,
                        post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                bad("two different Content-Lengths", 400, post + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
                bad("two equal Content-Lengths", 400, post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nabcde"),
                bad("Content-Length: +5", 400, post + "Content-Length: +5\r\n\r\nabcde"),
                bad("Content-Length: 5 5", 400, post + "Content-Length: 5 5\r\n\r\nabcde"),
                bad("Transfer-Encoding: gzip", 400, post + "Transfer-Encoding: gzip\r\n\r\n5\r\nabcde\r\n0\r\n\r\n"),
                bad("Transfer-Encoding: chunked, gzip", 400, post + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                bad("Transfer-Encoding: gzip, chunked", 501, post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                bad("Transfer-Encoding : chunked", 400, post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                bad("Transfer-Encoding: xchunked", 400, post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                bad("Transfer_Encoding: chunked", 400, post + "Transfer_Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n"),
                bad("control character in a header name", 400, "GET {T} HTTP/1.1\r\n" + HOST + "X-\u0001A: 1\r\n\r\n"),
                bad("obs-fold", 400, "GET {T} HTTP/1.1\r\n" + HOST + "X-A: 1\r\n 2\r\n\r\n"),
                bad("bare LF line ends", 400, "GET {T} HTTP/1.1\nHost: gate.example\n\n"),
                bad("two Host headers", 400, "GET {T} HTTP/1.1\r\n" + HOST + "Host: other.example\r\n\r\n"),
                bad("no Host in HTTP/1.1", 400, "GET {T} HTTP/1.1\r\nAccept: */*\r\n\r\n"),
                bad("chunk size 0x10", 400, chunked + "0x10\r\n0123456789abcdef\r\n0\r\n\r\n"),
                bad("chunk size -1", 400, chunked + "-1\r\nx\r\n0\r\n\r\n"),
                bad("chunk size with a leading space", 400, chunked + " 10\r\n0123456789abcdef\r\n0\r\n\r\n"),
                bad("chunk size 1 0", 400, chunked + "1 0\r\n0123456789abcdef\r\n0\r\n\r\n"),
                bad("chunk size of 17 significant hex digits", 400, chunked + "10000000000000010\r\n0123456789abcdef\r\n0\r\n\r\n"),
                bad("chunk size g", 400, chunked + "g\r\nx\r\n0\r\n\r\n"),
                bad("no CRLF after chunk data", 400, chunked + "3\r\nabcXY\r\n0\r\n\r\n"),
                bad("Transfer-Encoding in HTTP/1.0", 400, "POST {T} HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                bad("NUL in a header value", 400, "GET {T} HTTP/1.1\r\n" + HOST + "X-A: a\u0000b\r\n\r\n"),
                bad("two spaces in the request line", 400, "GET  {T} HTTP/1.1\r\n" + HOST + "\r\n"),
                bad("forged edge marker", 400, "GET {T} HTTP/1.1\r\n" + HOST + "X-Gatehouse-Edge-Reject: 200 fine\r\n\r\n"),
                bad("HTTP/2.0 request line", 505, "GET {T} HTTP/2.0\r\n" + HOST + "\r\n"),
                bad("HTTP/1.2 request line", 505, "GET {T} HTTP/1.2\r\n" + HOST + "\r\n"),
                bad("CONNECT", 405, "CONNECT gate.example:443 HTTP/1.1\r\n" + HOST + "\r\n"),
                bad("request line over 8 KiB", 414, "GET {T}" + "x".repeat(8200) + " HTTP/1.1\r\n" + HOST + "\r\n"),
                bad("head over 32 KiB", 431, "GET {T} HTTP/1.1\r\n" + HOST + "X-Big: " + "v".repeat(33_000) + "\r\n\r\n"),
                bad("101 header fields", 431, manyFields + "\r\n"));
    }

    private static Arguments bad(String what, int status, String template) {
        return Arguments.of(what, status, template);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("ambiguousRequests")
    void anAmbiguousRequestIsAnsweredAfterTheValidOneBeforeItAndNeverReachesTheUpstream(String what, int status,
            String template) throws IOException {
        String id = "-" + ids.incrementAndGet();
        String ok = "GET /ok" + id + " HTTP/1.1\r\n" + HOST + "\r\n";
        String after = "GET /after" + id + " HTTP/1.1\r\n" + HOST + "\r\n";
        int before = normal.seen.size();
        try (RawClient client = new RawClient(normal.port)) {
            client.send(ok + template.replace("{T}", "/bad" + id) + after);

            RawClient.Response answered = client.read();
            assertEquals(200, answered.status(), what);
            assertEquals("seen /ok" + id + " length 0", answered.body());

            RawClient.Response refused = client.read();
            assertEquals(status, refused.status(), what);
            assertTrue(refused.body().startsWith(status + " "), refused.body());
            assertEquals("close", refused.headers().get("connection"));
            assertTrue(client.closedByServer(), "the connection ends after the refusal");
        }
        assertEquals(List.of("GET /ok" + id), normal.seen.subList(before, normal.seen.size()),
                "the upstream saw the valid request only");
    }

    @Test
    void theRefusalNamesTheProblemInTheErrorReply() throws IOException {
        try (RawClient client = new RawClient(normal.port)) {
            client.send("POST /both HTTP/1.1\r\n" + HOST + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n");
            RawClient.Response refused = client.read();
            assertEquals(400, refused.status());
            assertEquals("400 both Content-Length and Transfer-Encoding", refused.body());
        }
    }

    @ParameterizedTest(name = "Undertow buffer of {0} bytes")
    @ValueSource(ints = {NORMAL_BUFFER, SMALL_BUFFER})
    void validPostsReachTheUpstreamWithTheirWholeBody(int undertowBuffer) throws IOException {
        EdgeServer server = server(undertowBuffer);
        String id = "-" + ids.incrementAndGet();
        try (RawClient client = new RawClient(server.port)) {
            client.send("POST /chunked" + id + " HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n6;q=\"a b\"\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
                    + "POST /fixed" + id + " HTTP/1.1\r\n" + HOST + "Content-Length: 7\r\n\r\n\r\n\u0000GET "
                    + "POST /tab" + id + " HTTP/1.1\r\n" + HOST + "Transfer-Encoding:\tchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            assertEquals("seen /chunked" + id + " length 11", client.read().body());
            assertEquals("seen /fixed" + id + " length 7", client.read().body());
            assertEquals("seen /tab" + id + " length 3", client.read().body());
        }
    }

    @ParameterizedTest(name = "Undertow buffer of {0} bytes")
    @ValueSource(ints = {NORMAL_BUFFER, SMALL_BUFFER})
    void aLargeHeadAndThePipelinedRequestsBehindItAreAllAnswered(int undertowBuffer) throws IOException {
        EdgeServer server = server(undertowBuffer);
        String id = "-" + ids.incrementAndGet();
        try (RawClient client = new RawClient(server.port)) {
            client.send("GET /large" + id + " HTTP/1.1\r\n" + HOST + "X-Large: " + "v".repeat(6000) + "\r\n\r\n"
                    + "\r\n"
                    + "GET /next" + id + " HTTP/1.1\r\n" + HOST + "\r\n"
                    + "GET /last" + id + " HTTP/1.1\r\n" + HOST + "\r\n");
            assertEquals("seen /large" + id + " length 0", client.read().body());
            assertEquals("seen /next" + id + " length 0", client.read().body());
            assertEquals("seen /last" + id + " length 0", client.read().body());
        }
        assertEquals(List.of("GET /large" + id, "GET /next" + id, "GET /last" + id),
                server.seen.stream().filter(s -> s.endsWith(id)).toList());
    }

    /**
     * Undertow checks every Host again after the edge and answers one it does not like with an empty
     * 400 of its own: no JSON body, no request id, no log line. So every Host the edge lets through
     * must pass Undertow, and every other one must be the edge's refusal.
     */
    @Test
    void everyHostTheEdgeLetsThroughUndertowTakesAndTheRestAreTheEdgesRefusals() throws IOException {
        List<String> hosts = new java.util.ArrayList<>(List.of("a:", "a:0", "a:0080", "a:65535", "a:65536", "a:99999",
                "[::1]:", "[v1.x]", "[::ffff:1.2.3.4]", "[1::1.2.3.4]", "a%41", "a%4", "1.2.3.4", "256.1.1.1", "a_b",
                ".a", "a.", "a!$&'()*+,;=~b", "[::1", "[]", "[::1]x", "0:80", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[:::]"));
        String[] widths = {"a", "ab", "abc", "abcd"};
        for (String w : widths) {
            hosts.add("[" + String.join(":", java.util.Collections.nCopies(8, w)) + "]");
            for (int left = 0; left <= 7; left++) {
                for (int right = 0; left + right <= 7; right++) {
                    hosts.add("[" + String.join(":", java.util.Collections.nCopies(left, w)) + "::"
                            + String.join(":", java.util.Collections.nCopies(right, w)) + "]:8080");
                }
            }
        }
        int accepted = 0;
        for (String host : hosts) {
            try (RawClient client = new RawClient(normal.port)) {
                client.send("GET /host HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                RawClient.Response answer = client.read();
                if (answer.status() == 200) {
                    accepted++;
                    assertEquals("seen /host length 0", answer.body(), host);
                } else {
                    assertEquals(400, answer.status(), host);
                    assertEquals("400 invalid Host header", answer.body(), "the edge's refusal, not Undertow's: " + host);
                }
            }
        }
        assertTrue(accepted > 140, "most IPv6 forms are valid: " + accepted + " of " + hosts.size());
    }

    @Test
    void anEmptyLineBeforeTheRequestLineIsSkipped() throws IOException {
        try (RawClient client = new RawClient(normal.port)) {
            client.send("\r\nGET /after-empty-line HTTP/1.1\r\n" + HOST + "\r\n");
            assertEquals(200, client.read().status());
        }
    }

    @ParameterizedTest(name = "Undertow buffer of {0} bytes")
    @ValueSource(ints = {NORMAL_BUFFER, SMALL_BUFFER})
    void aOneMegabyteContentLengthBodySplitAcrossManyWritesPasses(int undertowBuffer) throws IOException {
        EdgeServer server = server(undertowBuffer);
        byte[] body = megabyte();
        try (RawClient client = new RawClient(server.port)) {
            client.send("POST /mb HTTP/1.1\r\n" + HOST + "Content-Length: " + body.length + "\r\n\r\n");
            for (int off = 0; off < body.length; off += 1000) {
                client.send(Arrays.copyOfRange(body, off, Math.min(body.length, off + 1000)));
            }
            assertEquals("seen /mb length " + body.length, client.read().body());
        }
    }

    @ParameterizedTest(name = "Undertow buffer of {0} bytes")
    @ValueSource(ints = {NORMAL_BUFFER, SMALL_BUFFER})
    void aOneMegabyteChunkedBodySplitAcrossManyWritesPasses(int undertowBuffer) throws IOException {
        EdgeServer server = server(undertowBuffer);
        byte[] body = megabyte();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("POST /mb-chunked HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int off = 0, size = 1; off < body.length; off += size, size = size % 9000 + 777) {
            int n = Math.min(size, body.length - off);
            wire.writeBytes((Integer.toHexString(n) + (n % 3 == 0 ? ";x=y" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            wire.write(body, off, n);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] bytes = wire.toByteArray();
        try (RawClient client = new RawClient(server.port)) {
            for (int off = 0; off < bytes.length; off += 1013) {
                client.send(Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + 1013)));
            }
            assertEquals("seen /mb-chunked length " + body.length, client.read().body());
        }
    }

    @Test
    void aHeadTrickledSlowerThanTheHeaderTimeoutGetsTheConnectionClosed() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        try (EdgeServer slow = new EdgeServer(EdgeLimits.DEFAULTS.withHeaderTimeout(timeout), NORMAL_BUFFER);
                RawClient client = new RawClient(slow.port)) {
            client.setTimeoutMillis(50);
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(5).toNanos();
            client.send("GET /slow HTTP/1.1\r\n" + HOST + "X-Slow: ");
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    client.send("a");
                    closed = client.closedByServer(); // waits up to 50 ms for the server to hang up
                } catch (IOException e) {
                    closed = true;
                }
            }
            long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(closed, "closed after " + elapsedMillis + " ms");
            assertTrue(elapsedMillis >= timeout.toMillis() - 50, "closed after " + elapsedMillis + " ms");
            assertTrue(elapsedMillis < 3000, "closed after " + elapsedMillis + " ms");
            assertTrue(slow.seen.isEmpty());
        }
    }

    @Test
    void theHeaderTimeoutDoesNotCloseAnIdleConnectionBetweenRequests() throws Exception {
        try (EdgeServer slow = new EdgeServer(EdgeLimits.DEFAULTS.withHeaderTimeout(Duration.ofMillis(300)), NORMAL_BUFFER);
                RawClient client = new RawClient(slow.port)) {
            client.send("GET /first HTTP/1.1\r\n" + HOST + "\r\n");
            assertEquals(200, client.read().status());
            client.setTimeoutMillis(800);
            assertFalse(client.closedByServer(), "still open after 800 ms of idling");
            client.setTimeoutMillis(5000);
            client.send("GET /second HTTP/1.1\r\n" + HOST + "\r\n");
            assertEquals("seen /second length 0", client.read().body());
        }
    }

    /** 1 MiB of bytes that include CR, LF and NUL, which a Content-Length or chunked body may carry. */
    private static byte[] megabyte() {
        byte[] body = new byte[1 << 20];
        for (int k = 0; k < body.length; k++) {
            body[k] = (byte) (k % 251);
        }
        return body;
    }
}
