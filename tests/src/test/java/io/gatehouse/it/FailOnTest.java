package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.Outcome;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fail_on}: a member's 503 counts as its failure; a GET goes on to another member, a POST (or
 * a request no other member can take) gets the member's own answer, as nginx passes the last one on.
 */
@Timeout(60)
class FailOnTest {
    @TempDir
    java.nio.file.Path tmp;

    RawMember busy;
    RawMember busyToo;
    RawMember fine;
    GatehouseHarness gatehouse;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static RawMember.Script answering(int status, String body) {
        return (String path, String head, InputStream in, OutputStream out) -> {
            String length = RawMember.header(head, "Content-Length");
            if (length != null) {
                in.readNBytes(Integer.parseInt(length));
            }
            out.write(latin1("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body));
            return true;
        };
    }

    @BeforeEach
    void start() throws Exception {
        busy = RawMember.start(answering(503, "busy"));
        busyToo = RawMember.start(answering(503, "busy too"));
        fine = RawMember.start(answering(200, "fine"));
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app
                /allbusy = @allbusy
                /plain = @plain

                [@app]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                fail_on = 503

                [@allbusy]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                fail_on = 502, 503, 504

                [@plain]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                """.formatted(busy.port(), fine.port(), busy.port(), busyToo.port(), busy.port(), fine.port()));
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        busy.close();
        busyToo.close();
        fine.close();
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One FAIL_STATUS on the member (see {@link #assertRecordedOnce}). */
    void assertFailStatusRecorded(String cluster, RawMember member) throws InterruptedException {
        assertRecordedOnce(cluster, member, Outcome.Kind.FAIL_STATUS);
    }

    /**
     * One {@code kind} on the member. An answer passed to the client is recorded when it ends, which may
     * be just after the client has read it all: wait for it (bounded), then check it is exactly one.
     */
    void assertRecordedOnce(String cluster, RawMember member, Outcome.Kind kind) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (state(cluster, member).outcomes(kind) == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertEquals(1, state(cluster, member).outcomes(kind));
    }

    MemberState state(String cluster, RawMember member) {
        return gatehouse.assembly().upstreams().states().stream()
                .filter(s -> s.cluster().equals(cluster) && s.key().address().port() == member.port())
                .findFirst().orElseThrow();
    }

    /** The ring's record of {@code url}, once it is there (at most 10 s: it is made as the exchange completes). */
    RequestLogRecord logged(String url) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            var found = gatehouse.assembly().requestLog().latest(100).stream().filter(r -> url.equals(r.url()))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            assertTrue(System.nanoTime() - deadline < 0, "no request-log record of " + url);
            Thread.sleep(5);
        }
    }

    @Test
    void aGetAnswered503GoesToTheNextMemberAndThe503CountsAgainstTheFirst() throws Exception {
        HttpResponse<String> r = send("GET", "/a");
        assertEquals(200, r.statusCode());
        assertEquals("fine", r.body());
        assertEquals(1, state("app", busy).outcomes(Outcome.Kind.FAIL_STATUS));
        assertEquals(1, state("app", busy).failures());
        assertRecordedOnce("app", fine, Outcome.Kind.OK);
        RequestLogRecord record = logged("/a");
        assertEquals(2, record.attempts());
        assertEquals("127.0.0.1:" + fine.port(), record.member());
    }

    @Test
    void aPostAnswered503GetsThatAnswerAndIsNotSentOn() throws Exception {
        HttpResponse<String> r = send("POST", "/order");
        assertEquals(503, r.statusCode());
        assertEquals("busy", r.body(), "the member's own answer, not Gatehouse's");
        assertEquals(0, fine.heads().size());
        assertFailStatusRecorded("app", busy);
    }

    @Test
    void whenEveryMemberAnswers503TheClientGetsTheLastOne() throws Exception {
        HttpResponse<String> r = send("GET", "/allbusy/x");
        assertEquals(503, r.statusCode());
        assertEquals("busy too", r.body());
        assertEquals(1, busy.heads().size());
        assertEquals(1, busyToo.heads().size());
        assertFailStatusRecorded("allbusy", busy);
        assertFailStatusRecorded("allbusy", busyToo);
        RequestLogRecord record = logged("/allbusy/x");
        assertEquals(2, record.attempts());
        assertEquals("127.0.0.1:" + busyToo.port(), record.member());
        // The error log: the first 503 taken over from, then the one the client got.
        String id = record.gtid();
        List<String> lines = errorLines(id, 2);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches(".* WARN  proxy: " + id + " @allbusy 127\\.0\\.0\\.1:" + busy.port()
                + " \"GET /allbusy/x HTTP/1\\.1\": upstream answered 503 \\(fail_on\\); trying the next member;"
                + " attempt \\d+ ms"), lines.get(0));
        assertTrue(lines.get(1).matches(".* ERROR proxy: " + id + " @allbusy 127\\.0\\.0\\.1:" + busyToo.port()
                + " \"GET /allbusy/x HTTP/1\\.1\": upstream answered 503 \\(fail_on\\), no other member to take the"
                + " request; the member's 503 to the client; attempt 2, \\d+ ms"), lines.get(1));
    }

    /** The error log's lines about request {@code id}, once there are {@code count} (at most 10 s). */
    List<String> errorLines(String id, int count) throws Exception {
        java.nio.file.Path file = gatehouse.logDir.resolve("error.log");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file).stream()
                    .filter(l -> l.contains(" " + id + " ")).toList() : List.of();
            if (lines.size() >= count || System.nanoTime() - deadline > 0) {
                return lines;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void withoutFailOnA503IsPassedOnAsAnyAnswer() throws Exception {
        HttpResponse<String> r = send("GET", "/plain/x");
        assertEquals(503, r.statusCode());
        assertEquals("busy", r.body());
        assertEquals(List.of(), fine.heads());
        assertRecordedOnce("plain", busy, Outcome.Kind.OK); // recorded as the answer ends: the client may see it first
        assertTrue(state("plain", busy).failures() == 0);
    }
}
