package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that break the protocol or hang up halfway, and clients that leave halfway: each gets a clear
 * end (a 502, or a closed connection once the answer has started) and Gatehouse goes on serving.
 */
@Timeout(60)
class MisbehavingPeersTest {
    @TempDir
    java.nio.file.Path tmp;

    RawMember member;
    GatehouseHarness gatehouse;

    /** What the member does with each request, by the request's path; false closes the connection. */
    private static boolean answer(String path, String head, InputStream in, OutputStream out) throws IOException {
        switch (path) {
            case "/garbage" -> {
                out.write(latin1("this is not HTTP at all\r\n\r\n"));
                return false;
            }
            case "/bad-header" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nBroken Header Line\r\n\r\nok"));
                return false;
            }
            case "/hang-up" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial body"));
                return false; // closes with 999 988 bytes still owed
            }
            case "/close-before-answer" -> {
                return false;
            }
            case "/endless" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n"));
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 15_000; i++) { // ~1 GB at most; the client leaves long before
                    out.write(chunk);
                }
                return false;
            }
            default -> {
                byte[] body = latin1("fine " + path);
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"));
                out.write(body);
                return true;
            }
        }
    }

    @BeforeEach
    void start() throws IOException {
        member = RawMember.start(MisbehavingPeersTest::answer);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 3

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(member.port()));
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        member.close();
    }

    private String exchange(String path) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\n\r\n").readAll();
        }
    }

    private void stillServes() throws IOException {
        String fine = exchange("/fine");
        assertTrue(fine.startsWith("HTTP/1.1 200") && fine.endsWith("fine /fine"), fine);
    }

    @Test
    void aMemberThatDoesNotSpeakHttpGives502() throws Exception {
        String r = exchange("/garbage");
        assertTrue(r.startsWith("HTTP/1.1 502"), r);
        assertTrue(r.contains("\"status\":502"), r);
        stillServes();
    }

    @Test
    void aMalformedResponseHeadGives502() throws Exception {
        String r = exchange("/bad-header");
        assertTrue(r.startsWith("HTTP/1.1 502"), r);
        stillServes();
    }

    @Test
    void aMemberThatClosesWithoutAnsweringGives502() throws Exception {
        String r = exchange("/close-before-answer");
        assertTrue(r.startsWith("HTTP/1.1 502"), r);
        stillServes();
    }

    @Test
    void aMemberThatHangsUpMidBodyEndsTheClientConnectionInsteadOfHanging() throws Exception {
        long start = System.nanoTime();
        String r = exchange("/hang-up");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.startsWith("HTTP/1.1 200"), "the answer had started: " + r.substring(0, Math.min(80, r.length())));
        assertTrue(r.endsWith("partial body"), "what came is passed on, then the connection ends");
        assertTrue(ms < 4000, "closed promptly (readAll would wait 5 s on an open connection): " + ms + " ms");
        stillServes();
    }

    @Test
    void aClientThatLeavesMidDownloadDoesNotHurtTheNext() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gatehouse.port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /endless HTTP/1.1\r\nHost: m.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            while (got < 2 * 1024 * 1024) {
                int n = in.read(buf);
                assertTrue(n > 0, "the download flows");
                got += n;
            }
        } // the client hangs up with about a gigabyte still to come
        for (int i = 0; i < 5; i++) {
            stillServes();
        }
    }

    @Test
    void aClientThatSendsHalfAHeadAndLeavesIsForgotten() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gatehouse.port)) {
                s.getOutputStream().write("GET /fine HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gatehouse.port)) {
            s.setSoTimeout(3000);
            s.getOutputStream().write("POST /fine HTTP/1.1\r\nHost: m.test\r\nContent-Length: 100\r\n\r\nonly part"
                    .getBytes(StandardCharsets.ISO_8859_1));
        } catch (SocketTimeoutException ignored) {
            // nothing expected back
        }
        stillServes();
        assertEquals(0, gatehouse.assembly().requestLog().latest(100).stream()
                .filter(r -> r.status() >= 500).count(), "no request ended in a server error");
    }
}
