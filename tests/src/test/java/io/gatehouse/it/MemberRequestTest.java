package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a member is sent and when Gatehouse gives up on it: {@code Expect} and {@code h2c} never go
 * upstream, a switch to a protocol nobody offered is refused, only bodyless idempotent requests are
 * retried on a fresh connection, an early answer to an upload is passed on, and {@code response_timeout}
 * bounds every wait on a member (connecting, taking an upload, sending the body) however the request
 * began.
 */
@Timeout(60)
class MemberRequestTest {
    private static final int TIMEOUT_SECONDS = 2;

    @TempDir
    java.nio.file.Path tmp;

    RawMember member;
    ServerSocket hole;
    final List<Socket> holeFillers = new ArrayList<>();
    GatehouseHarness gatehouse;

    private static boolean answer(String path, String head, InputStream in, OutputStream out) throws IOException {
        switch (path) {
            case "/echo" -> {
                byte[] body = in.readNBytes(Integer.parseInt(RawMember.header(head, "content-length")));
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"));
                out.write(body);
            }
            case "/switch" -> {
                out.write(latin1("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        + "tunnel open"));
                out.flush();
                RawMember.pause(300);
                return false;
            }
            case "/switch-to-h2c" -> {
                out.write(latin1("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"));
                out.flush();
                RawMember.pause(300);
                return false;
            }
            case "/drop-reused" -> {
                if (RawMember.requestNumberOnConnection() > 1) {
                    return false; // the member's idle timeout struck just as the request came
                }
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh"));
            }
            case "/early" -> {
                out.write(latin1("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo much"));
                out.flush();
                RawMember.pause(1000);
                return false;
            }
            case "/deaf" -> {
                RawMember.pause(8000); // reads neither the body nor anything else, and never answers
                return false;
            }
            case "/stall" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000)));
                out.flush();
                RawMember.pause(8000);
                return false;
            }
            case "/early-open" -> {
                // answers at once, keeps the connection, and never reads the body
                out.write(latin1("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\ntoo much"));
                out.flush();
                RawMember.pause(8000);
                return false;
            }
            case "/stream-echo" -> {
                // answers while the body arrives, echoing it, then stalls before the end of its answer
                out.write(latin1("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nstart\r\n"));
                out.flush();
                byte[] got = in.readNBytes(3);
                out.write(latin1("3\r\n" + new String(got, java.nio.charset.StandardCharsets.ISO_8859_1) + "\r\n"));
                out.flush();
                in.readNBytes(3); // the rest of the body: read, and never answered
                RawMember.pause(8000);
                return false;
            }
            case "/events" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "d\r\ndata: first\n\n\r\n"));
                out.flush();
                RawMember.pause(1000);
                out.write(latin1("e\r\ndata: second\n\n\r\n0\r\n\r\n"));
            }
            case "/big" -> {
                long start = System.nanoTime();
                try {
                    out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 67108864\r\n\r\n"));
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 1024; i++) {
                        out.write(chunk);
                    }
                    BIG_WRITES.add("finished");
                } catch (IOException e) {
                    BIG_WRITES.add("cut off after " + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
                return false;
            }
            case "/upload-sink" -> {
                int length = Integer.parseInt(RawMember.header(head, "content-length"));
                byte[] got = in.readNBytes(length);
                UPLOADS.add(got.length == length ? "complete" : "incomplete: " + got.length + " of " + length);
                return false;
            }
            case "/chunked-sink" -> {
                String body = readChunked(in); // null: the body never ended
                CHUNKED_BODIES.add(body == null ? "(incomplete)" : body);
                if (body == null) {
                    return false;
                }
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
            }
            default -> out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        }
        return true;
    }

    static final java.util.Queue<String> CHUNKED_BODIES = new java.util.concurrent.ConcurrentLinkedQueue<>();
    static final java.util.Queue<String> BIG_WRITES = new java.util.concurrent.ConcurrentLinkedQueue<>();
    static final java.util.Queue<String> UPLOADS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A chunked body as a member reads it; null if the stream ends or breaks first. */
    private static String readChunked(InputStream in) throws IOException {
        StringBuilder body = new StringBuilder();
        try {
            while (true) {
                String size = line(in);
                if (size == null) {
                    return null;
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    return line(in) == null ? null : body.toString();
                }
                body.append(new String(in.readNBytes(n), java.nio.charset.StandardCharsets.ISO_8859_1));
                if (line(in) == null) {
                    return null;
                }
            }
        } catch (NumberFormatException | IOException e) {
            return null;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder l = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return l.toString().replace("\r", "");
            }
            l.append((char) b);
        }
        return null;
    }

    @BeforeEach
    void start() throws IOException {
        member = RawMember.start(MemberRequestTest::answer);
        // A member that never accepts: its backlog is full, so the kernel drops further connection attempts.
        hole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hole.getLocalPort()), 300);
                holeFillers.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                break;
            }
        }
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = %d
                send_timeout = 1
                client_body_timeout = 1

                [routes:line]
                / = @app
                /hole = @hole

                [@app]
                members = 127.0.0.1:%d

                [@hole]
                members = 127.0.0.1:%d
                """.formatted(TIMEOUT_SECONDS, member.port(), hole.getLocalPort()));
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        member.close();
        for (Socket s : holeFillers) {
            s.close();
        }
        hole.close();
    }

    private List<String> headsFor(String path) {
        return member.heads().stream().filter(h -> h.startsWith(h.split(" ")[0] + " " + path + " ")).toList();
    }

    private String raw(String request) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send(request).readAll();
        }
    }

    @Test
    void expectIsAnsweredByGatehouseAndNeverSentOn() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String interim = http.send("POST /echo HTTP/1.1\r\nHost: m.test\r\nContent-Length: 7\r\n"
                    + "Expect: 100-continue\r\n\r\n").readUntil("\r\n\r\n");
            assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
            assertTrue(http.send("payload").readUntil("payload").startsWith("HTTP/1.1 200"));
        }
        String head = headsFor("/echo").get(0).toLowerCase(Locale.ROOT);
        assertFalse(head.contains("expect:"), head);
        assertTrue(head.contains("content-length: 7"), head);
    }

    @Test
    void h2cIsNeverOfferedUpstreamEvenBesideAnotherProtocol() throws Exception {
        String r = raw("GET /switch HTTP/1.1\r\nHost: m.test\r\nUpgrade: h2c, websocket\r\n"
                + "Connection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 101 "), r);
        assertTrue(r.endsWith("tunnel open"), "the member's first bytes after its 101 arrive: " + r);
        String head = headsFor("/switch").get(0).toLowerCase(Locale.ROOT);
        assertTrue(head.contains("\r\nupgrade: websocket\r\n"), head);
        assertFalse(head.contains("h2c") || head.contains("http2-settings"), head);
    }

    @Test
    void aSwitchToAProtocolNobodyOfferedGives502() throws Exception {
        String r = raw("GET /switch-to-h2c HTTP/1.1\r\nHost: m.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 502 "), r);
    }

    @Test
    void aBodylessRequestOnAConnectionTheMemberDroppedIsRetriedOnAFreshOne() throws Exception {
        assertTrue(raw("GET /warm HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\n\r\n").endsWith("ok"));
        String r = raw("GET /drop-reused HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 ") && r.endsWith("fresh"), r);
        assertEquals(2, headsFor("/drop-reused").size(), "sent on the kept-alive connection, then on a fresh one");
    }

    @Test
    void aRequestWithABodyIsNeverRetriedOnAnotherConnection() throws Exception {
        assertTrue(raw("GET /warm HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\n\r\n").endsWith("ok"));
        String r = raw("PUT /drop-reused HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\nContent-Length: 4\r\n\r\ndata");
        assertTrue(r.startsWith("HTTP/1.1 502 "), "the body went out once and cannot be sent again: " + r);
        assertEquals(1, headsFor("/drop-reused").size(), "the member never sees the PUT again (without its body)");
    }

    @Test
    void anAnswerTheMemberGivesBeforeTheUploadEndsIsPassedOn() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /early HTTP/1.1\r\nHost: m.test\r\nContent-Length: 33554432\r\n\r\n");
            Thread uploader = uploadInBackground(http.output(), 32 << 20);
            String r = http.readUntil("too much");
            assertTrue(r.startsWith("HTTP/1.1 413 "), r);
            uploader.interrupt();
        }
    }

    @Test
    void aMemberThatStopsTakingAnUploadGives504AfterTheTimeout() throws Exception {
        long start = System.nanoTime();
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /deaf HTTP/1.1\r\nHost: m.test\r\nContent-Length: 67108864\r\n\r\n");
            Thread uploader = uploadInBackground(http.output(), 64 << 20);
            String r = http.readUntil("\r\n\r\n");
            uploader.interrupt();
            assertTrue(r.startsWith("HTTP/1.1 504 "), r);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 6000, "cut off after about " + TIMEOUT_SECONDS + " s of the member taking nothing: " + ms + " ms");
    }

    @Test
    void aMemberThatStallsMidBodyIsCutOffAfterTheTimeout() throws Exception {
        long start = System.nanoTime();
        String r = raw("GET /stall HTTP/1.1\r\nHost: m.test\r\n\r\n");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.startsWith("HTTP/1.1 200 ") && r.endsWith("x".repeat(1000)), "what came is passed on");
        assertTrue(ms < 4500, "the connection ends about " + TIMEOUT_SECONDS + " s after the member's last byte"
                + " (a reader would wait 5 s on an open one): " + ms + " ms");
    }

    @Test
    void aMemberThatNeverAcceptsGives504EvenForARequestWithABody() throws Exception {
        assertFalse(holeFillers.isEmpty(), "the test could fill the member's backlog");
        long start = System.nanoTime();
        String r = raw("POST /hole HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.startsWith("HTTP/1.1 504 "), r);
        assertTrue(ms < 4500, "connecting counts against response_timeout: " + ms + " ms");
    }

    @Test
    void aMalformedChunkSizeAfterTheHeadWentUpEndsBothConnectionsAndTheMemberNeverSeesTheRequestEnd() throws Exception {
        CHUNKED_BODIES.clear();
        String r;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /chunked-sink HTTP/1.1\r\nHost: m.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (headsFor("/chunked-sink").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10); // the head is upstream, the body is streaming
            }
            r = http.send("zz\r\nworld\r\n0\r\n\r\n").readAll();
        }
        // The body streams, so its head had gone on: the client connection ends (no answer can be sent
        // once Undertow's own body reader has failed), and so does the member's, mid-request.
        assertEquals("", r, "no answer, in particular not the member's");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (CHUNKED_BODIES.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("(incomplete)"), List.copyOf(CHUNKED_BODIES), "the member never got a complete request");
    }

    /**
     * A member that answers before the body is in and keeps its connection without reading: the answer
     * reaches the client, the client connection closes after it (the rest of the body is drained), and
     * nothing hangs.
     */
    @Test
    void anEarlyAnswerFromAMemberThatStopsReadingEndsTheExchange() throws Exception {
        long start = System.nanoTime();
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /early-open HTTP/1.1\r\nHost: m.test\r\nContent-Length: 8388608\r\n\r\n");
            Thread uploader = uploadInBackground(http.output(), 8 << 20);
            String r = http.readUntil("too much");
            assertTrue(r.startsWith("HTTP/1.1 413 "), r);
            assertTrue(r.toLowerCase(Locale.ROOT).contains("connection: close"), "the connection ends after it: " + r);
            assertEquals(-1, http.input().read(), "then the connection closes");
            uploader.interrupt();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 6000, "over well before the member gives up (8 s): " + ms + " ms");
    }

    /** The answer's clock and the upload's are apart: a member that stalls after the upload ended is still cut off. */
    @Test
    void anAnswerThatOverlapsTheUploadAndThenStallsIsCutOff() throws Exception {
        String r;
        String head;
        long start;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /stream-echo HTTP/1.1\r\nHost: m.test\r\nContent-Length: 6\r\n\r\n");
            head = http.readUntil("start\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            http.send("abc");
            http.readUntil("abc\r\n");
            start = System.nanoTime();
            http.send("def"); // the last of the body arrives while the answer waits on the member
            r = http.readAll();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"), "chunked although the connection"
                + " closes after it, as nginx does: " + head);
        assertFalse(r.endsWith("0\r\n\r\n"), "so the client can see the answer was cut short: " + r);
        assertTrue(ms < 4500, "cut off about " + TIMEOUT_SECONDS + " s after the member's last byte: " + ms + " ms");
    }

    /**
     * Server-sent events, long polling: each piece reaches the client when the member sends it, in chunks
     * for HTTP/1.1 and until the connection ends for HTTP/1.0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/1.0"})
    void aStreamedAnswerReachesTheClientPieceByPiece(String protocol) throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            long start = System.nanoTime();
            http.send("GET /events " + protocol + "\r\nHost: m.test\r\nConnection: close\r\n\r\n");
            String first = http.readUntil("data: first\n\n");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(first.startsWith(protocol + " 200 "), first);
            assertTrue(ms < 700, "the first event arrives before the member sends the second (1 s later): " + ms + " ms");
            assertTrue(http.readAll().contains("data: second"));
        }
    }

    @Test
    void anUpgradeWithoutTheUpgradeConnectionOptionIsNotOffered() throws Exception {
        String r = raw("GET /plain HTTP/1.1\r\nHost: m.test\r\nUpgrade: websocket\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 "), r);
        String head = headsFor("/plain").get(0).toLowerCase(Locale.ROOT);
        assertFalse(head.contains("upgrade"), "RFC 9110 7.8: not a request to switch: " + head);
    }

    /** nginx's send_timeout: a client that takes none of the answer cannot hold it, nor the member connection. */
    @Test
    void aClientThatStopsTakingTheAnswerIsCutOffAfterSendTimeout() throws Exception {
        BIG_WRITES.clear();
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("GET /big HTTP/1.1\r\nHost: m.test\r\n\r\n"); // and never reads
            long deadline = System.nanoTime() + 6_000_000_000L;
            while (BIG_WRITES.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        List<String> seen = List.copyOf(BIG_WRITES);
        assertEquals(1, seen.size(), "the member's answer ends within 6 s: " + seen);
        assertTrue(seen.get(0).startsWith("cut off"), "Gatehouse closed the member connection: " + seen);
    }

    /** nginx's client_body_timeout: a client that stops sending its body gets 408; the member never gets a whole request. */
    @Test
    void aClientThatStopsSendingItsBodyGets408AfterClientBodyTimeout() throws Exception {
        UPLOADS.clear();
        long start = System.nanoTime();
        String r;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            r = http.send("POST /upload-sink HTTP/1.1\r\nHost: m.test\r\nContent-Length: 100\r\n\r\n0123456789")
                    .readAll(); // 90 bytes never come
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.startsWith("HTTP/1.1 408 "), r);
        assertTrue(ms < 4000, "after about 1 s without a byte: " + ms + " ms");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (UPLOADS.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of("incomplete: 10 of 100"), List.copyOf(UPLOADS));
    }

    /** Writes {@code bytes} zeros to {@code out} from another thread, until done, refused or interrupted. */
    private static Thread uploadInBackground(OutputStream out, int bytes) {
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int sent = 0; sent < bytes && !Thread.currentThread().isInterrupted(); sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // Gatehouse answered and closed: the rest is not wanted
            }
        }, "upload");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
