package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_body_size}, nginx's {@code client_max_body_size} (issue 8): a {@code Content-Length} over
 * the limit is 413 at once, before any member is asked; a chunked body is counted as it streams, and the
 * member that got part of it has its connection closed before the request ends; routes that are not
 * proxied have the limit too.
 */
@Timeout(60)
class BodyLimitTest {
    private static final int LIMIT = 1000;

    @TempDir
    Path tmp;

    RawMember member;
    /** What the member read of the last request body, as it arrives. */
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final AtomicBoolean memberSawTheEnd = new AtomicBoolean();
    GatehouseHarness gatehouse;

    @BeforeEach
    void start() throws IOException {
        member = RawMember.start((path, head, in, out) -> {
            if (path.endsWith("/stream")) {
                readUntilClosed(in); // reads what comes until Gatehouse closes the connection
                return false;
            }
            String length = RawMember.header(head, "Content-Length");
            byte[] body = length == null ? readChunked(in) : in.readNBytes(Integer.parseInt(length));
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (body.length + "").length() + "\r\n\r\n" + body.length)
                    .getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                max_body_size = %d

                [routes:line]
                /api = @api
                /hc = return 200 OK

                [@api]
                members = 127.0.0.1:%d
                """.formatted(LIMIT, member.port()));
    }

    private void readUntilClosed(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int n;
        try {
            while ((n = in.read(buf)) >= 0) {
                synchronized (received) {
                    received.write(buf, 0, n);
                }
            }
            memberSawTheEnd.set(true);
        } catch (IOException e) {
            memberSawTheEnd.set(true); // a reset ends it too
        }
    }

    /** A whole chunked body, decoded (the member only answers once it has all of it). */
    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("the body ended early");
                }
                if (b != '\r') {
                    size.append((char) b);
                }
            }
            int n = Integer.parseInt(size.toString().trim(), 16);
            if (n == 0) {
                in.readNBytes(2);
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            in.readNBytes(2);
        }
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        member.close();
    }

    private String receivedText() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    private static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "b".repeat(size) + "\r\n";
    }

    private String errorLog() throws IOException {
        Path file = gatehouse.logDir.resolve("error.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private void awaitErrorLine(String text) throws Exception {
        await(() -> {
            try {
                return errorLog().contains(text);
            } catch (IOException e) {
                return false;
            }
        }, "the error log says " + text);
    }

    @Test
    void aContentLengthOverTheLimitIs413AtOnceAndNoMemberIsAsked() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            // Expect: 100-continue, and no body sent: the answer must not wait for it.
            String answer = http.send("POST /api/upload HTTP/1.1\r\nHost: a\r\nX-Request-ID: big-1\r\nContent-Length: "
                    + (LIMIT + 1) + "\r\nExpect: 100-continue\r\n\r\n").readAll();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertFalse(answer.contains("100 Continue"), answer);
            assertTrue(answer.contains("\"status\":413") && answer.contains("\"request_id\":\"big-1\"")
                    && answer.contains("larger than " + LIMIT + " bytes"), answer);
        }
        assertEquals(0, member.connections(), "the member never heard of it");
        awaitErrorLine("ERROR request: big-1 - - \"POST /api/upload HTTP/1.1\": request body of " + (LIMIT + 1)
                + " bytes is larger than max_body_size (" + LIMIT + " bytes); 413 to the client");
    }

    @Test
    void aBodyAtTheLimitPassesEitherWay() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String answer = http.send("POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: " + LIMIT + "\r\n\r\n"
                    + "a".repeat(LIMIT)).readUntil("\r\n\r\n" + LIMIT);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            answer = http.send("POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk(600) + chunk(LIMIT - 600) + "0\r\n\r\n").readUntil("\r\n\r\n" + LIMIT);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), "the connection is kept and the chunked body passes: " + answer);
        }
    }

    @Test
    void aChunkedBodyPassingTheLimitMidStreamIs413AndTheMemberNeverSeesTheRequestEnd() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /api/stream HTTP/1.1\r\nHost: a\r\nX-Request-ID: big-2\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk(600));
            await(() -> receivedText().contains("b".repeat(600)), "the first part went to the member");
            http.send(chunk(600));
            String answer = http.readAll();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("\"request_id\":\"big-2\""), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        }
        await(memberSawTheEnd::get, "the member's connection was closed");
        assertFalse(receivedText().endsWith("0\r\n\r\n"), "the member never saw the request end: " + receivedText());
        assertTrue(receivedText().length() < 600 + LIMIT, "nothing past the limit went up");
        awaitErrorLine("ERROR proxy: big-2 @api 127.0.0.1:" + member.port() + " \"POST /api/stream HTTP/1.1\": request"
                + " body larger than max_body_size (" + LIMIT + " bytes); 413 to the client");
    }

    @Test
    void routesThatAreNotProxiedHaveTheLimitToo() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String answer = http.send("POST /hc HTTP/1.1\r\nHost: a\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n").readAll();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            // A chunked body is not read by a fixed answer; draining it after the answer stops at the limit.
            http.send("POST /hc HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(600) + chunk(600));
            String answer = http.readAll();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("OK"), "then the connection closes, with the rest of the body unread: " + answer);
        }
    }
}
