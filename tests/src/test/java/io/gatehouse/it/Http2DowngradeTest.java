package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Issue 11: an HTTP/2 request proxied to an HTTP/1.1 member is held to the HTTP/1.1 edge's strictness,
 * so nothing can be smuggled through the downgrade. Sent with a raw HTTP/2 client ({@link RawH2}) over
 * h2c (and, in {@link Http2DowngradeOverTlsTest}, TLS with ALPN {@code h2}) to a whole Gatehouse whose member is a raw socket that records every request head and whether
 * the body it announced came whole: each malformed request is refused (Gatehouse's JSON 400, or
 * Undertow's own stream reset or GOAWAY) and the member sees nothing of it; a {@code content-length}
 * the DATA frames contradict resets the client's stream and the member never gets a complete request;
 * clean requests pass with their bodies intact and are logged as HTTP/2.0.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2DowngradeTest {
    /** This class's own directory for conf.d and logs. */
    Path tmp;

    /** What the member made of each request: {@code complete METHOD PATH body=N} or {@code incomplete PATH after N of M}. */
    final Queue<String> verdicts = new ConcurrentLinkedQueue<>();
    /** Body bytes the member has read so far, by path. */
    final Map<String, AtomicInteger> progress = new ConcurrentHashMap<>();
    final Queue<byte[]> bodies = new ConcurrentLinkedQueue<>();
    RawMember member;
    GatehouseHarness gatehouse;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        member = RawMember.start(this::answer);
        gatehouse = GatehouseHarness.start(tmp, listener() + """

                [tunefactors]
                client_body_timeout = 2

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(member.port()));
    }

    /** The listener's part of the site: a plain one that takes h2c with prior knowledge. */
    String listener() {
        return "[server]\nport = ${PORT}\nh2c = yes\n";
    }

    /** The scheme of the listener's connections: what {@code :scheme} must say. */
    String scheme() {
        return "http";
    }

    RawH2 connect() throws IOException {
        return RawH2.plain(gatehouse.address()).start();
    }

    @AfterAll
    void stop() throws Exception {
        gatehouse.close();
        member.close();
    }

    @BeforeEach
    void forget() {
        verdicts.clear();
        bodies.clear();
        progress.clear();
    }

    /** The member: reads the body the head announces (a length or chunks) and says whether it came whole. */
    private boolean answer(String path, String head, InputStream in, java.io.OutputStream out) throws IOException {
        String method = head.substring(0, head.indexOf(' '));
        String length = RawMember.header(head, "Content-Length");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        AtomicInteger read = progress.computeIfAbsent(path, k -> new AtomicInteger());
        if (length != null) {
            int n = Integer.parseInt(length);
            for (int i = 0; i < n; i++) {
                int b = in.read();
                if (b < 0) {
                    verdicts.add("incomplete " + path + " after " + i + " of " + n);
                    return false;
                }
                body.write(b);
                read.incrementAndGet();
            }
        } else if ("chunked".equalsIgnoreCase(RawMember.header(head, "Transfer-Encoding"))) {
            if (!readChunks(in, body)) {
                verdicts.add("incomplete " + path + " after " + body.size() + " chunked");
                return false;
            }
        }
        verdicts.add("complete " + method + " " + path + " body=" + body.size());
        bodies.add(body.toByteArray());
        byte[] answer = ("member saw " + body.size()).getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(answer);
        return true;
    }

    private static boolean readChunks(InputStream in, ByteArrayOutputStream body) throws IOException {
        for (int chunks = 0; chunks < 100_000; chunks++) {
            String line = line(in);
            if (line == null) {
                return false;
            }
            int size = Integer.parseInt(line.trim(), 16);
            for (int i = 0; i < size; i++) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                body.write(b);
            }
            if (line(in) == null) {
                return false;
            }
            if (size == 0) {
                return true;
            }
        }
        return false;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return sb.toString().replace("\r", "");
            }
            sb.append((char) b);
        }
        return null;
    }

    /** Fields with {@code SCHEME} as the listener's scheme and {@code OTHER} as the other one, as sent. */
    private String[] sent(String[] fields) {
        String[] out = fields.clone();
        for (int i = 1; i < out.length; i += 2) {
            if (out[i - 1].equals(":scheme")) {
                out[i] = out[i].equals("SCHEME") ? scheme() : scheme().equals("http") ? "https" : "http";
            }
        }
        return out;
    }

    private String[] sentRequest(String method, String path, String... more) {
        return sent(request(method, path, more));
    }

    private static String[] request(String method, String path, String... more) {
        String[] base = {":method", method, ":scheme", "SCHEME", ":path", path, ":authority", "app.test"};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** Who refuses: Gatehouse with its JSON 400, or Undertow's HTTP/2 layer with a stream reset or GOAWAY. */
    enum By { GATEHOUSE_400, UNDERTOW_RST, UNDERTOW_GOAWAY }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("transfer-encoding", By.UNDERTOW_GOAWAY, request("GET", "/te", "transfer-encoding", "chunked")),
                Arguments.of("connection", By.UNDERTOW_RST, request("GET", "/c", "connection", "keep-alive")),
                Arguments.of("keep-alive", By.GATEHOUSE_400, request("GET", "/ka", "keep-alive", "timeout=5")),
                Arguments.of("proxy-connection", By.GATEHOUSE_400, request("GET", "/pc", "proxy-connection", "keep-alive")),
                Arguments.of("upgrade", By.GATEHOUSE_400, request("GET", "/up", "upgrade", "websocket")),
                Arguments.of("te other than trailers", By.UNDERTOW_RST, request("GET", "/tg", "te", "gzip")),
                Arguments.of("CR in a value", By.GATEHOUSE_400, request("GET", "/cr", "x-a", "a\rb")),
                Arguments.of("LF in a value", By.GATEHOUSE_400,
                        request("GET", "/lf", "x-a", "a\r\nx-smuggled: 1")),
                Arguments.of("NUL in a value", By.GATEHOUSE_400, request("GET", "/nul", "x-a", "a\0b")),
                Arguments.of("leading space in a value", By.GATEHOUSE_400, request("GET", "/sp", "x-a", " v")),
                Arguments.of("uppercase name", By.UNDERTOW_RST, request("GET", "/upper", "X-A", "v")),
                Arguments.of("colon in a name", By.GATEHOUSE_400, request("GET", "/colon", "x:a", "v")),
                Arguments.of("space in a name", By.UNDERTOW_RST, request("GET", "/space", "x a", "v")),
                Arguments.of("unknown pseudo-header", By.UNDERTOW_RST, request("GET", "/ps", ":foo", "v")),
                Arguments.of("pseudo-header after a field", By.UNDERTOW_GOAWAY, new String[] {":method", "GET",
                        ":scheme", "SCHEME", "x-a", "1", ":path", "/late", ":authority", "app.test"}),
                Arguments.of("two :method", By.UNDERTOW_RST, request("GET", "/m2", ":method", "POST")),
                Arguments.of("no :path", By.UNDERTOW_RST, new String[] {":method", "GET", ":scheme", "SCHEME",
                        ":authority", "app.test"}),
                Arguments.of("empty :path", By.UNDERTOW_GOAWAY, request("GET", "")),
                Arguments.of(":path not starting with /", By.GATEHOUSE_400, request("GET", "rel")),
                Arguments.of("absolute :path", By.GATEHOUSE_400, request("GET", "http://other.test/x")),
                Arguments.of("* :path with GET", By.GATEHOUSE_400, request("GET", "*")),
                Arguments.of("space in :path", By.GATEHOUSE_400, request("GET", "/a b")),
                Arguments.of(":scheme other than the connection's", By.GATEHOUSE_400, new String[] {":method", "GET",
                        ":scheme", "OTHER", ":path", "/s", ":authority", "app.test"}),
                Arguments.of("userinfo in :authority", By.GATEHOUSE_400, new String[] {":method", "GET", ":scheme",
                        "SCHEME", ":path", "/ui", ":authority", "u@app.test"}),
                Arguments.of("no :authority", By.GATEHOUSE_400, new String[] {":method", "GET", ":scheme", "SCHEME",
                        ":path", "/na", "host", "app.test"}),
                Arguments.of("content-length not a number", By.UNDERTOW_GOAWAY,
                        request("GET", "/cl", "content-length", "five")),
                Arguments.of("content-length with a sign", By.GATEHOUSE_400,
                        request("GET", "/cl", "content-length", "+0")),
                Arguments.of("negative content-length", By.GATEHOUSE_400, request("GET", "/cl", "content-length", "-1")),
                Arguments.of("two content-lengths", By.UNDERTOW_GOAWAY,
                        request("GET", "/cl", "content-length", "0", "content-length", "0")),
                Arguments.of("content-length without DATA", By.GATEHOUSE_400,
                        request("POST", "/cl", "content-length", "5")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformed")
    void aMalformedRequestIsRefusedAndNeverReachesTheMember(String what, By by, String[] fields) throws Exception {
        int headsBefore = member.heads().size();
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, true, sent(fields));
            RawH2.Answer answer = h2.await(stream);
            switch (by) {
                case GATEHOUSE_400 -> {
                    assertEquals(400, answer.status(), what + ": " + answer);
                    assertEquals("application/json", answer.fields.get("content-type"));
                    assertTrue(answer.bodyText().contains("\"status\":400"), answer.bodyText());
                }
                case UNDERTOW_RST -> assertEquals(RawH2.PROTOCOL_ERROR, answer.reset, what + ": " + answer);
                case UNDERTOW_GOAWAY -> {
                    assertTrue(h2.awaitGoAwayOrClose(5000), what + ": no GOAWAY");
                    assertEquals(-1, answer.status(), what + ": answered " + answer);
                }
            }
            if (by != By.UNDERTOW_GOAWAY) {
                assertCleanGetServed(h2, "/after");
            }
        }
        List<String> heads = member.heads().subList(headsBefore, member.heads().size());
        assertEquals(by == By.UNDERTOW_GOAWAY ? List.of() : List.of("GET /after"),
                heads.stream().map(h -> h.substring(0, h.indexOf(" HTTP/1.1"))).toList(),
                "nothing of the malformed request reached the member, only the clean one after it");
    }

    /** The connection (and Gatehouse) still serve: a clean GET on the same connection is answered by the member. */
    private void assertCleanGetServed(RawH2 h2, String path) throws IOException {
        int next = h2.newStream();
        h2.headers(next, true, sent(request("GET", path)));
        RawH2.Answer ok = h2.await(next);
        assertEquals(200, ok.status(), "the connection goes on after a refused stream: " + ok);
        assertEquals("member saw 0", ok.bodyText());
    }

    /**
     * Refused (400) where the listener's HTTP/2 connections are {@code StrictHttp2Channel}s; over
     * Undertow's own, the member sees the {@code :authority} only (Undertow replaces {@code Host}). Either
     * way no member ever gets the other host.
     */
    @Test
    void authorityAndHostDisagreeingNeverReachTheMemberAsTwoHosts() throws Exception {
        int status;
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, true, sentRequest("GET", "/hosts", "host", "other.test"));
            status = h2.await(stream).status();
        }
        assertTrue(status == 400 || status == 200, "status " + status);
        List<String> heads = member.heads().stream().filter(h -> h.startsWith("GET /hosts ")).toList();
        if (status == 400) {
            assertEquals(List.of(), heads, "refused: nothing reached the member");
        } else {
            assertEquals("app.test", RawMember.header(heads.get(0), "Host"), heads.get(0));
            assertFalse(heads.get(0).contains("other.test"), "the Host field never reaches the member: " + heads);
        }
    }

    // ---- content-length against the DATA frames

    static Stream<Arguments> mismatched() {
        return Stream.of(
                Arguments.of("one DATA frame longer than content-length", "5", List.of("0123456789"), "after 0 of 5"),
                Arguments.of("content-length reached, then another DATA frame", "5", List.of("01234", "56789"),
                        "after 4 of 5"),
                Arguments.of("DATA ending short of content-length", "5", List.of("012"), "after 3 of 5"),
                Arguments.of("content-length 0, then DATA", "0", List.of("abc"), "no request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatched")
    void aContentLengthTheDataContradictsResetsTheStreamAndTheMemberNeverGetsACompleteRequest(
            String what, String contentLength, List<String> frames, String atMember) throws Exception {
        String path = "/mismatch-" + Math.abs(what.hashCode());
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, false, sentRequest("POST", path, "content-length", contentLength));
            for (int i = 0; i < frames.size(); i++) {
                if (i > 0) {
                    // The member holds all the body but its last byte before the frame that contradicts the length.
                    awaitProgress(path, Integer.parseInt(contentLength) - 1);
                }
                h2.data(stream, i == frames.size() - 1, frames.get(i).getBytes(StandardCharsets.US_ASCII));
            }
            RawH2.Answer answer = h2.await(stream);
            assertTrue(answer.reset >= 0, what + ": the client's stream is reset, not answered: " + answer);
            assertEquals(-1, answer.status(), answer.toString());
            assertCleanGetServed(h2, "/after-mismatch");
        }
        if (atMember.equals("no request")) {
            assertTrue(member.heads().stream().noneMatch(h -> h.contains(" " + path + " ")), member.heads().toString());
        } else {
            awaitVerdict("incomplete " + path + " " + atMember);
        }
        assertTrue(verdicts.stream().noneMatch(v -> v.startsWith("complete POST")),
                "the member never completed the request: " + verdicts);
    }

    @Test
    void theMemberHasAllButTheLastByteUntilTheClientsStreamEnds() throws Exception {
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, false, sentRequest("POST", "/held", "content-length", "5"));
            h2.data(stream, false, "01234".getBytes(StandardCharsets.US_ASCII));
            awaitProgress("/held", 4);
            assertTrue(verdicts.isEmpty(), "the member is still waiting for its last byte: " + verdicts);
            h2.data(stream, true, new byte[0]);
            RawH2.Answer answer = h2.await(stream);
            assertEquals(200, answer.status(), answer.toString());
            assertEquals("member saw 5", answer.bodyText());
        }
        awaitVerdict("complete POST /held body=5");
    }

    @Test
    void anAnnouncedEmptyBodyGoesUpOnlyOnceTheStreamHasEndedWithoutData() throws Exception {
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, false, sentRequest("POST", "/empty", "content-length", "0"));
            h2.data(stream, true, new byte[0]);
            RawH2.Answer answer = h2.await(stream);
            assertEquals(200, answer.status(), answer.toString());
            assertEquals("member saw 0", answer.bodyText());
        }
        awaitVerdict("complete POST /empty body=0");
    }

    @Test
    void anAnnouncedEmptyBodyWhoseStreamNeverEndsIsGivenUpAfterClientBodyTimeout() throws Exception {
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, false, sentRequest("POST", "/never-ends", "content-length", "0"));
            RawH2.Answer answer = h2.await(stream);
            assertTrue(answer.reset >= 0, "the stream is reset after client_body_timeout: " + answer);
            assertCleanGetServed(h2, "/after-never");
        }
        assertTrue(member.heads().stream().noneMatch(h -> h.contains("/never-ends")), member.heads().toString());
    }

    // ---- clean requests

    @Test
    void aCleanGetAndPostPassToTheHttp11MemberWithTheBodyIntactAndAreLoggedAsHttp2() throws Exception {
        byte[] body = new byte[100_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        try (RawH2 h2 = connect()) {
            int get = h2.newStream();
            h2.headers(get, true, sentRequest("GET", "/clean-get?q=1", "user-agent", "raw-h2", "te", "trailers"));
            assertEquals(200, h2.await(get).status());

            int post = h2.newStream();
            h2.headers(post, false, sentRequest("POST", "/clean-post", "content-length", Integer.toString(body.length)));
            for (int at = 0; at < body.length; at += 16_384) {
                int n = Math.min(16_384, body.length - at);
                h2.data(post, at + n == body.length, Arrays.copyOfRange(body, at, at + n));
            }
            RawH2.Answer answer = h2.await(post);
            assertEquals(200, answer.status(), answer.toString());
            assertEquals("member saw " + body.length, answer.bodyText());

            int chunked = h2.newStream();
            h2.headers(chunked, false, sentRequest("POST", "/clean-unsized"));
            h2.data(chunked, false, "abc".getBytes(StandardCharsets.US_ASCII));
            h2.data(chunked, true, "def".getBytes(StandardCharsets.US_ASCII));
            assertEquals("member saw 6", h2.await(chunked).bodyText());
        }
        awaitVerdict("complete GET /clean-get?q=1 body=0");
        awaitVerdict("complete POST /clean-post body=" + body.length);
        awaitVerdict("complete POST /clean-unsized body=6");
        assertTrue(bodies.stream().anyMatch(b -> Arrays.equals(b, body)), "the body reached the member intact");
        String head = member.heads().stream().filter(h -> h.startsWith("POST /clean-post ")).findFirst().orElseThrow();
        assertEquals("app.test", RawMember.header(head, "Host"));
        assertEquals(Integer.toString(body.length), RawMember.header(head, "Content-Length"));
        for (String path : List.of("/clean-get?q=1", "/clean-post", "/clean-unsized")) {
            RequestLogRecord r = logged(path);
            assertEquals("HTTP/2.0", r.protocol(), r.toString());
            assertEquals(200, r.status());
        }
    }

    @Test
    void cookiesSentAsSeparateFieldsReachTheMemberAsOneCookieLine() throws Exception {
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, true, sentRequest("GET", "/cookies", "cookie", "a=1", "cookie", "b=2", "cookie", "c=3"));
            assertEquals(200, h2.await(stream).status());
        }
        String head = member.heads().stream().filter(h -> h.startsWith("GET /cookies ")).findFirst().orElseThrow();
        assertEquals(1, head.toLowerCase(java.util.Locale.ROOT).split("\r\ncookie:", -1).length - 1, head);
        assertEquals("a=1; b=2; c=3", RawMember.header(head, "Cookie"), head);
    }

    @Test
    void aRefusedRequestWhoseBodyIsStillComingIsAnsweredAtOnce() throws Exception {
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, false, sentRequest("POST", "/refused-early", "content-length", "100", "x-a", "a\nb"));
            RawH2.Answer answer = h2.await(stream);
            assertEquals(400, answer.status(), "answered without waiting for the body: " + answer);
            assertCleanGetServed(h2, "/after-early");
        }
        assertTrue(member.heads().stream().noneMatch(h -> h.contains("/refused-early")), member.heads().toString());
    }

    @Test
    void aRefusalIsLoggedWithWhatWasReceived() throws Exception {
        try (RawH2 h2 = connect()) {
            int stream = h2.newStream();
            h2.headers(stream, true, sentRequest("GET", "/refused-logged", "x-a", "a\rb"));
            assertEquals(400, h2.await(stream).status());
        }
        RequestLogRecord r = logged("/refused-logged");
        assertEquals(400, r.status());
        assertEquals("HTTP/2.0", r.protocol());
        assertEquals("GET", r.method());
    }

    // ---- waiting, bounded

    private RequestLogRecord logged(String path) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (RequestLogRecord r : gatehouse.assembly().requestLog().latest(500)) {
                if (r.url().endsWith(path)) {
                    return r;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no log record for " + path);
    }

    private void awaitVerdict(String verdict) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!verdicts.contains(verdict)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the member never said \"" + verdict + "\": " + new ArrayList<>(verdicts));
            }
            Thread.onSpinWait();
        }
    }

    private void awaitProgress(String path, int bytes) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (progress.getOrDefault(path, new AtomicInteger()).get() < bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the member never got " + bytes + " body bytes of " + path + ": " + progress);
            }
            Thread.onSpinWait();
        }
    }

}
