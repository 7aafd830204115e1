package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Gatehouse reads a member's answer: every framing RFC 9112 allows (a length, chunks with
 * extensions and trailers, the end of the connection, interim 1xx answers first), and a 502 for framing
 * that could be read two ways, as nginx gives. A member connection is reused only when its last answer
 * ended exactly where its framing said.
 */
@Timeout(60)
class MemberResponseFramingTest {
    @TempDir
    java.nio.file.Path tmp;

    RawMember member;
    GatehouseHarness gatehouse;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What the member answers, by path; false ends the connection after the answer. */
    private boolean answer(String path, String head, InputStream in, OutputStream out) throws IOException {
        switch (path) {
            case "/until-close" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"));
                out.write(latin1("the body ends when the member closes"));
                return false;
            }
            case "/http10-until-close" -> {
                out.write(latin1("HTTP/1.0 200 OK\r\n\r\nan HTTP/1.0 body"));
                return false;
            }
            case "/early-hints" -> out.write(latin1("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
            case "/chunked-trailers" -> out.write(latin1("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                    + "6;note=first\r\nchunks\r\n1\r\n \r\nA\r\nwith trail\r\n0\r\nX-Sum: 17\r\n\r\n"));
            case "/length-and-chunked" -> out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
            case "/two-lengths" -> out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
            case "/gzip-coding" -> out.write(latin1("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx"));
            case "/huge-head" -> out.write(latin1("HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(20_000)
                    + "\r\nContent-Length: 2\r\n\r\nok"));
            case "/bad-chunk" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"));
                return false;
            }
            case "/extra-bytes" -> out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokSMUGGLED"));
            case "/close-after" -> {
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                out.flush();
                RawMember.pause(100);
                return false; // the member's idle timeout: it closes a kept-alive connection
            }
            case "/upload" -> {
                int length = Integer.parseInt(RawMember.header(head, "content-length"));
                byte[] body = in.readNBytes(length);
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"));
                out.write(body);
            }
            default -> {
                byte[] body = latin1("fine " + path);
                out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"));
                out.write(body);
            }
        }
        return true;
    }

    @BeforeEach
    void start() throws IOException {
        member = RawMember.start(this::answer);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 5

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

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    private String raw(String path) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: m.test\r\nConnection: close\r\n\r\n").readAll();
        }
    }

    private void stillServes() throws Exception {
        HttpResponse<String> fine = get("/fine");
        assertEquals(200, fine.statusCode());
        assertEquals("fine /fine", fine.body());
    }

    @Test
    void aBodyWithoutLengthOrChunksLastsUntilTheMemberCloses() throws Exception {
        HttpResponse<String> r = get("/until-close");
        assertEquals(200, r.statusCode());
        assertEquals("the body ends when the member closes", r.body());
        HttpResponse<String> old = get("/http10-until-close");
        assertEquals("an HTTP/1.0 body", old.body());
        stillServes();
    }

    @Test
    void interimAnswersAreReadPastAndNotPassedOn() throws Exception {
        String r = raw("/early-hints");
        assertTrue(r.startsWith("HTTP/1.1 200 "), "the final answer comes first: " + r);
        assertFalse(r.contains("103") || r.contains("Link:"), r);
        assertTrue(r.endsWith("final"), r);
    }

    @Test
    void aChunkedBodyIsDecodedWithItsExtensionsAndTrailersDropped() throws Exception {
        HttpResponse<String> r = get("/chunked-trailers");
        assertEquals(200, r.statusCode());
        assertEquals("chunks with trail", r.body());
        assertFalse(r.headers().firstValue("Trailer").isPresent(), "Trailer is hop-by-hop");
        stillServes();
    }

    @Test
    void framingThatCouldBeReadTwoWaysGives502() throws Exception {
        for (String path : new String[] {"/length-and-chunked", "/two-lengths", "/gzip-coding", "/huge-head"}) {
            String r = raw(path);
            assertTrue(r.startsWith("HTTP/1.1 502 "), path + ": " + r.substring(0, Math.min(200, r.length())));
            assertTrue(r.contains("\"status\":502"), path + ": " + r);
            assertFalse(r.contains("hello"), path + ": no part of the member's body reaches the client");
        }
        stillServes();
    }

    @Test
    void aBrokenChunkAfterTheAnswerBeganEndsTheClientConnection() throws Exception {
        String r = raw("/bad-chunk");
        assertTrue(r.startsWith("HTTP/1.1 200 "), r);
        assertTrue(r.contains("hello"), r);
        assertFalse(r.endsWith("0\r\n\r\n"), "the client can tell the body is incomplete: " + r);
        stillServes();
    }

    @Test
    void bytesBeyondTheFramedBodyAreNeverReadAsTheNextAnswer() throws Exception {
        assertEquals("ok", get("/extra-bytes").body());
        int before = member.connections();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> next = get("/next" + i);
            assertEquals("fine /next" + i, next.body());
        }
        assertTrue(member.connections() > before, "the connection that carried extra bytes was not reused");
    }

    @Test
    void aConnectionTheMemberClosesWhileIdleIsDroppedBeforeTheNextRequest() throws Exception {
        assertEquals("ok", get("/close-after").body());
        RawMember.pause(500); // the member has closed the kept-alive connection by now
        // A POST is never retried on another connection, so this one would fail (502) if Gatehouse still
        // held the connection the member closed.
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(gatehouse.uri("/upload"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("payload", r.body());
    }

    @Test
    void keptAliveConnectionsServeOneAnswerAfterAnother() throws Exception {
        stillServes();
        int before = member.connections();
        for (int i = 0; i < 20; i++) {
            assertEquals("fine /k" + i, get("/k" + i).body());
        }
        assertEquals(before, member.connections(), "answers with a length leave the connection reusable");
    }
}
