package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogJson;
import io.gatehouse.log.RequestLogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries end to end, on loopback with real members and the real Gatehouse: a member killed under
 * load loses no GET; a POST that reached a dying member is not sent again, one whose connection was
 * refused is; {@code retry_body_max} and {@code retry_timeout} do what they say; the request log's
 * JSON record names the final member and the attempts.
 */
@Timeout(90)
class RetriesTest {
    @TempDir
    java.nio.file.Path tmp;

    final List<AutoCloseable> closeAfter = new ArrayList<>();
    GatehouseHarness gatehouse;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws Exception {
        if (gatehouse != null) {
            gatehouse.close();
        }
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    RawMember member(RawMember.Script script) throws IOException {
        RawMember m = RawMember.start(script);
        closeAfter.add(m);
        return m;
    }

    /** Answers {@code name} after {@code delayMillis}, reading a body if there is one. */
    static RawMember.Script answering(String name, long delayMillis) {
        return (String path, String head, InputStream in, OutputStream out) -> {
            readBody(head, in);
            if (delayMillis > 0) {
                RawMember.pause(delayMillis);
            }
            out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name));
            return true;
        };
    }

    /** Answers with the request body it read. */
    static final RawMember.Script ECHO = (String path, String head, InputStream in, OutputStream out) -> {
        byte[] body = readBody(head, in);
        out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"));
        out.write(body);
        return true;
    };

    /** Reads the request and its body, then closes without a word: it died with the request. */
    static final RawMember.Script DIES = (String path, String head, InputStream in, OutputStream out) -> {
        readBody(head, in);
        return false;
    };

    /** Reads the request, answers nothing, keeps the connection until the other side closes it. */
    static final RawMember.Script SILENT = (String path, String head, InputStream in, OutputStream out) -> {
        readBody(head, in);
        while (in.read() >= 0) {
            // until Gatehouse gives up
        }
        return false;
    };

    /** The request body by its Content-Length (the tests send lengths), or nothing. */
    static byte[] readBody(String head, InputStream in) throws IOException {
        String length = RawMember.header(head, "Content-Length");
        if (length == null) {
            return new byte[0];
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length < Integer.parseInt(length)) {
            throw new IOException("body cut short");
        }
        return body;
    }

    void start(String clusters) {
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 1s

                [routes:line]
                / = @load
                /post = @post
                /refused = @refused
                /held = @held
                /bounded = @bounded

                %s
                """.formatted(clusters));
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(10))
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    /**
     * The ring's records whose URL is {@code url} (the newest first), once there is one (at most 10 s: a
     * record is made when the exchange completes, which may be just after the client has its answer).
     */
    List<RequestLogRecord> logged(String url) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<RequestLogRecord> found = gatehouse.assembly().requestLog().latest(10_000).stream()
                    .filter(r -> url.equals(r.url())).toList();
            if (!found.isEmpty() || System.nanoTime() - deadline > 0) {
                return found;
            }
            Thread.sleep(5);
        }
    }

    // ---- a member dies under load

    @Test
    void threeMembersUnderLoadOneKilledMidwayLoseNoGet() throws Exception {
        RawMember a = member(answering("a", 2));
        // Once armed, b holds the next request it reads: it dies with that request in hand.
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch inHand = new CountDownLatch(1);
        AtomicReference<String> heldPath = new AtomicReference<>();
        RawMember.Script bAnswers = answering("b", 2);
        RawMember b = member((String path, String head, InputStream in, OutputStream out) -> {
            if (armed.get()) {
                heldPath.compareAndSet(null, path);
                inHand.countDown();
                RawMember.pause(10_000); // until killed
                return false;
            }
            return bAnswers.answer(path, head, in, out);
        });
        RawMember c = member(answering("c", 2));
        start("""
                [@load]
                members = 127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d
                [@post]
                members = 127.0.0.1:%d
                [@refused]
                members = 127.0.0.1:%d
                [@held]
                members = 127.0.0.1:%d
                [@bounded]
                members = 127.0.0.1:%d
                """.formatted(a.port(), b.port(), c.port(), a.port(), a.port(), a.port(), a.port()));

        int clients = 4;
        int perClient = 150;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        AtomicInteger done = new AtomicInteger();
        Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int id = t;
                loops.add(pool.submit(() -> {
                    for (int i = 0; i < perClient && System.nanoTime() - deadline < 0; i++) {
                        String path = "/load/" + id + "/" + i;
                        try {
                            HttpResponse<String> r = get(path);
                            if (r.statusCode() != 200) {
                                lost.add(path + " -> " + r.statusCode() + " " + r.body());
                            } else {
                                answeredBy.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
                            }
                        } catch (Exception e) {
                            lost.add(path + " -> " + e);
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            // Kill a member a third of the way in, while requests are in flight on it.
            while (done.get() < clients * perClient / 3 && System.nanoTime() - deadline < 0) {
                Thread.sleep(2);
            }
            int servedByBBeforeKill = answeredBy.getOrDefault("b", new AtomicInteger()).get();
            armed.set(true);
            assertTrue(inHand.await(10, TimeUnit.SECONDS), "b took a request it will not answer");
            b.close();
            for (Future<?> f : loops) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertTrue(servedByBBeforeKill > 0, "the killed member served before it died");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), lost, "every GET got its answer");
        assertEquals(clients * perClient, done.get(), "the loop ran to its count within its time bound");
        int answered = answeredBy.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(clients * perClient, answered);

        // After the kill, round robin still picks the dead member: each such request took two attempts,
        // and its record names the member that answered.
        List<RequestLogRecord> retried = gatehouse.assembly().requestLog().latest(10_000).stream()
                .filter(r -> r.url().startsWith("/load/") && r.attempts() == 2).toList();
        assertTrue(retried.size() > 0, "some requests were retried");
        // The request b died with, after reading it, went on too (no byte of answer had come): on a
        // kept-alive connection that is first tried once more on a new one, which b refused.
        List<RequestLogRecord> held = logged(heldPath.get());
        assertEquals(1, held.size(), heldPath.get());
        assertEquals(200, held.get(0).status());
        assertEquals(2, held.get(0).attempts());
        for (RequestLogRecord r : retried) {
            assertEquals(200, r.status());
            assertEquals("load", r.cluster());
            assertTrue(r.member().equals("127.0.0.1:" + a.port()) || r.member().equals("127.0.0.1:" + c.port()),
                    "the final member is a live one: " + r.member());
            String json = RequestLogJson.toJson(r);
            assertTrue(json.endsWith(",\"cluster\":\"load\",\"member\":\"" + r.member() + "\",\"attempts\":2,\"cache\":null,"
                    + "\"client_ip\":\"127.0.0.1\"}"), json);
        }
    }

    // ---- POST: refused goes on, reached does not

    @Test
    void aPostThatReachedADyingMemberIsNotSentAgainButOneWhoseConnectionWasRefusedIs() throws Exception {
        RawMember dying = member(DIES);
        RawMember echo = member(ECHO);
        int refused = GatehouseHarness.freePort();
        start("""
                [@load]
                members = 127.0.0.1:%d
                [@post]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                [@refused]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                [@held]
                members = 127.0.0.1:%d
                [@bounded]
                members = 127.0.0.1:%d
                """.formatted(echo.port(), dying.port(), echo.port(), refused, echo.port(), echo.port(), echo.port()));
        byte[] order = "item=42&qty=1".getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<String> reached = send("POST", "/post/order", order);
        assertEquals(502, reached.statusCode(), reached.body());
        assertTrue(reached.body().contains("\"status\":502"), reached.body());
        assertEquals(1, dying.heads().size(), "the dying member had the POST");
        assertEquals(0, echo.heads().size(), "and nobody else got it: a POST is not idempotent");
        RequestLogRecord record = logged("/post/order").get(0);
        assertEquals(1, record.attempts());
        assertEquals("127.0.0.1:" + dying.port(), record.member());

        HttpResponse<String> goesOn = send("POST", "/refused/order", order);
        assertEquals(200, goesOn.statusCode(), goesOn.body());
        assertEquals("item=42&qty=1", goesOn.body(), "the next member got the body");
        assertEquals(1, echo.heads().size());
        RequestLogRecord second = logged("/refused/order").get(0);
        assertEquals(2, second.attempts());
        assertEquals("127.0.0.1:" + echo.port(), second.member());
        assertTrue(RequestLogJson.toJson(second).contains("\"member\":\"127.0.0.1:" + echo.port() + "\",\"attempts\":2"));
    }

    // ---- retry_body_max

    @Test
    void aPutBodyWithinRetryBodyMaxIsSentAgainAndOneBeyondItIsNot() throws Exception {
        RawMember dying = member(DIES);
        RawMember echo = member(ECHO);
        start("""
                [@load]
                members = 127.0.0.1:%d
                [@post]
                members = 127.0.0.1:%d
                [@refused]
                members = 127.0.0.1:%d
                [@held]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                retry_body_max = 1k
                ; the dying member must stay in: passive health would take it out after its first failure
                max_fails = 0
                [@bounded]
                members = 127.0.0.1:%d
                """.formatted(echo.port(), echo.port(), echo.port(), dying.port(), echo.port(), echo.port()));
        byte[] small = new byte[600];
        new Random(1).nextBytes(small);
        byte[] large = new byte[3000];
        new Random(2).nextBytes(large);

        HttpResponse<String> held = send("PUT", "/held/small", small);
        assertEquals(200, held.statusCode());
        assertEquals(new String(small, StandardCharsets.ISO_8859_1), held.body(), "the same bytes, from the next member");
        assertEquals(1, dying.heads().size());

        // Round robin starts the next request on the dying member again (the retry took the second pick).
        HttpResponse<String> notHeld = send("PUT", "/held/large", large);
        assertEquals(502, notHeld.statusCode(), "the body was sent and not held: not sent again");
        assertEquals(2, dying.heads().size());
        assertTrue(echo.heads().stream().noneMatch(h -> h.startsWith("PUT /held/large ")), "the next member never got it");
    }

    // ---- retry_timeout

    @Test
    void noNewAttemptBeginsAfterRetryTimeout() throws Exception {
        RawMember silent = member(SILENT);
        RawMember echo = member(ECHO);
        start("""
                [@load]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                [@post]
                members = 127.0.0.1:%d
                [@refused]
                members = 127.0.0.1:%d
                [@held]
                members = 127.0.0.1:%d
                [@bounded]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                retry_timeout = 500ms
                """.formatted(silent.port(), echo.port(), echo.port(), echo.port(), echo.port(), silent.port(),
                echo.port()));

        // The silent member takes response_timeout (1s) to fail: past retry_timeout, the client gets 504.
        long t0 = System.nanoTime();
        HttpResponse<String> bounded = get("/bounded/x");
        assertEquals(504, bounded.statusCode(), bounded.body());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertTrue(echo.heads().isEmpty(), "no attempt after retry_timeout");

        // Without retry_timeout the same failure goes on to the next member.
        HttpResponse<String> unbounded = get("/load/x");
        assertEquals(200, unbounded.statusCode(), unbounded.body());
        assertEquals(1, echo.heads().size());
        assertEquals(2, logged("/load/x").get(0).attempts());
    }
}
