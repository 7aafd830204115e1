package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogFormatter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, item 6: the request log says what happened. A user agent sent as UTF-8 is logged as its
 * bytes once; an answer cut off at a stop is logged with its status and the bytes that went out; a
 * request that ended before any answer began is nginx's 499.
 */
@Timeout(60)
class Issue8RequestLogSaysWhatHappenedTest {
    @TempDir
    Path tmp;

    RawMember member;
    GatehouseHarness gatehouse;
    final CountDownLatch partialSent = new CountDownLatch(1);

    private void start() throws Exception {
        member = RawMember.start((path, head, in, out) -> {
            switch (path) {
                case "/partial" -> {
                    out.write(RawMember.latin1("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(5000)));
                    out.flush();
                    partialSent.countDown();
                    RawMember.pause(10_000);
                    return false;
                }
                case "/never" -> {
                    RawMember.pause(10_000);
                    return false;
                }
                default -> {
                    if (RawMember.header(head, "Content-Length") != null) {
                        in.readNBytes(Integer.parseInt(RawMember.header(head, "Content-Length")));
                    }
                    out.write(RawMember.latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    return true;
                }
            }
        });
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 30

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(member.port()));
    }

    @AfterEach
    void stop() throws Exception {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (member != null) {
            member.close();
        }
    }

    /** The raw request-log line whose URL field is {@code url}; waits up to 5 s for the writer. */
    private String rawLine(String url) throws Exception {
        Path log = gatehouse.logDir.resolve("request.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
                    if (RequestLogFormatter.parse(line).get(5).equals(url)) {
                        return line;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no request-log line for " + url);
    }

    @Test
    void aUtf8UserAgentIsLoggedAsItsBytesOnce() throws Exception {
        start();
        byte[] request = ("GET /ua HTTP/1.1\r\nHost: a.test\r\nUser-Agent: caf\u00e9 \u65e5\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            assertTrue(http.send(request).readAll().startsWith("HTTP/1.1 200 "));
        }
        String line = rawLine("/ua");
        assertTrue(line.contains(" \"caf\\xC3\\xA9 \\xE6\\x97\\xA5\" "), "each UTF-8 byte escaped once: " + line);
        assertEquals("caf\u00e9 \u65e5", RequestLogFormatter.parse(line).get(14));
        assertTrue(gatehouse.assembly().requestLog().latest(10).stream()
                .anyMatch(r -> "caf\u00e9 \u65e5".equals(r.userAgent())), "the console's record holds the text");
    }

    @Test
    void aStopLogsAnAnswerCutShortWithItsStatusAndBytesAndOneThatNeverBeganAs499() throws Exception {
        start();
        RawHttp partial = new RawHttp(gatehouse.address());
        RawHttp never = new RawHttp(gatehouse.address());
        try {
            partial.send("GET /partial HTTP/1.1\r\nHost: a.test\r\n\r\n");
            never.send("GET /never HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertTrue(partialSent.await(5, TimeUnit.SECONDS));
            String head = readHead(partial.input());
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            long received = 0;
            while (received < 5000) { // the part of the body the member sent reaches the client
                partial.input().read();
                received++;
            }
            waitForTheMemberToHave("/never");
            gatehouse.assembly().stop(Duration.ofMillis(300));
            received += partial.readAll().length();
            assertEquals(5000, received, "the client got the part the member sent, and no more");
            assertEquals("", never.readAll(), "no answer began");
        } finally {
            partial.close();
            never.close();
        }
        List<String> cut = RequestLogFormatter.parse(rawLine("/partial"));
        assertEquals("200", cut.get(7), "the status that was sent");
        assertEquals("5000", cut.get(9), "the body bytes that were sent");
        List<String> none = RequestLogFormatter.parse(rawLine("/never"));
        assertEquals("499", none.get(7), "no answer began: nginx's 499");
        assertEquals("0", none.get(9));
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerBeginsIs499() throws Exception {
        start();
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1000\r\n\r\n" + "b".repeat(10));
            Thread.sleep(200); // the head and the first bytes are on their way up
        } // the client goes away with 990 bytes of its body unsent
        List<String> line = RequestLogFormatter.parse(rawLine("/upload"));
        assertEquals("499", line.get(7), "the client closed the request: " + line);
        assertEquals("10", line.get(8), "the body bytes that came");
        assertEquals("0", line.get(9));
    }

    /** As docs/logs.md says: a client's id is used when it is 1..128 visible ASCII characters but " and \\. */
    @Test
    void aClientRequestIdThatCannotBeLoggedAsItIsIsReplaced() throws Exception {
        start();
        String[][] cases = {
                {"X-Request-ID: " + "i".repeat(128), "i".repeat(128)},
                {"X-Request-ID: " + "i".repeat(129), null},
                {"X-Request-ID: two words", null},
                {"X-Request-ID: quo\"te", null},
                {"X-Request-ID: caf\u00e9", null},
                {"X-Request-ID: bad id\r\nX-Correlation-ID: corr-1", "corr-1"}};
        for (String[] c : cases) {
            String answer;
            try (RawHttp http = new RawHttp(gatehouse.address())) {
                answer = http.send("GET /id HTTP/1.1\r\nHost: a.test\r\n" + c[0] + "\r\nConnection: close\r\n\r\n")
                        .readAll();
            }
            String id = answer.lines().filter(l -> l.startsWith("X-Request-ID: ")).findFirst().orElseThrow().substring(14);
            if (c[1] != null) {
                assertEquals(c[1], id, c[0]);
            } else {
                assertTrue(id.matches("[0-9a-f]{8}-[0-9a-z]+"), c[0] + " is replaced by a generated id: " + id);
            }
        }
    }

    private void waitForTheMemberToHave(String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (member.heads().stream().noneMatch(h -> h.startsWith("GET " + path + " ")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(member.heads().stream().anyMatch(h -> h.startsWith("GET " + path + " ")), path + " reached the member");
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
