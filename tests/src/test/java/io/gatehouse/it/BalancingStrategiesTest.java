package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The balancing strategies end to end, through a real Gatehouse to members on loopback:
 * {@code consistent_hash} keyed by a header keeps each user on one member (and moves only the users of a
 * member that dies), {@code least_conn} passes over a member that holds its requests open, and a member
 * marked {@code down} gets nothing, whatever the strategy.
 */
@Timeout(60)
class BalancingStrategiesTest {
    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private GatehouseHarness gatehouse;

    @AfterEach
    void stop() throws Exception {
        if (gatehouse != null) {
            gatehouse.close();
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static RawMember.Script answering(String name) {
        return (String path, String head, InputStream in, OutputStream out) -> {
            out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name));
            return true;
        };
    }

    private RawMember member(RawMember.Script script) throws IOException {
        RawMember m = RawMember.start(script);
        open.add(m);
        return m;
    }

    private void start(String cluster) {
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                """ + cluster);
    }

    /** The body of the answer to {@code GET path} with {@code headers} (each ending in CRLF). */
    private String get(String path, String headers) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String r = http.send("GET " + path + " HTTP/1.1\r\nHost: lb.test\r\n" + headers
                    + "Connection: close\r\n\r\n").readAll();
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            return r.substring(r.indexOf("\r\n\r\n") + 4);
        }
    }

    /** The body of the answer to {@code GET path}, sent from the loopback address {@code from}. */
    private String getFrom(String from, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(gatehouse.address(), 2_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(latin1("GET " + path + " HTTP/1.1\r\nHost: lb.test\r\nConnection: close\r\n\r\n"));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
            return r.substring(r.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void consistentHashByHeaderKeepsEachUserOnOneMember() throws Exception {
        RawMember a = member(answering("a"));
        RawMember b = member(answering("b"));
        RawMember c = member(answering("c"));
        start("""
                members = 127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d
                strategy = consistent_hash
                hash_key = header:X-User
                """.formatted(a.port(), b.port(), c.port()));
        Map<String, String> home = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < 30; u++) {
                String user = "user-" + u;
                String served = get("/page/" + round, "X-User: " + user + "\r\n");
                String before = home.putIfAbsent(user, served);
                assertTrue(before == null || before.equals(served), user + " went to " + before + " then " + served);
            }
        }
        assertEquals(Set.of("a", "b", "c"), new HashSet<>(home.values()), "30 users spread over the three: " + home);

        Map<String, Integer> noKey = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            noKey.merge(get("/anonymous", ""), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 2, "b", 2, "c", 2), noKey, "without the header: round robin");

        b.close();
        for (int u = 0; u < 30; u++) {
            String user = "user-" + u;
            String served = get("/after", "X-User: " + user + "\r\n");
            if (home.get(user).equals("b")) {
                assertNotEquals("b", served);
                assertEquals(served, get("/again", "X-User: " + user + "\r\n"), user + " settles on one member");
            } else {
                assertEquals(home.get(user), served, user + " moved though its member is alive");
            }
        }
    }

    @Test
    void leastConnPassesOverAMemberThatHoldsItsRequestsOpen() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        RawMember holder = member((path, head, in, out) -> {
            held.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nholder"));
            return true;
        });
        RawMember quick = member(answering("quick"));
        start("""
                members = 127.0.0.1:%d, 127.0.0.1:%d
                strategy = least_conn
                """.formatted(holder.port(), quick.port()));
        ExecutorService clients = Executors.newCachedThreadPool();
        try {
            List<Future<String>> pending = new ArrayList<>();
            // Requests until one is held open by the holder (the other ones the quick member answers).
            for (int i = 0; i < 10 && held.get() == 0; i++) {
                pending.add(clients.submit(() -> get("/hold", "")));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (held.get() == 0 && !pending.get(pending.size() - 1).isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
            assertEquals(1, held.get(), "the holder holds one request");
            for (int i = 0; i < 20; i++) {
                assertEquals("quick", get("/" + i, ""), "request " + i);
            }
            assertEquals(1, held.get(), "nothing more went to the member with a request in flight");
            release.countDown();
            for (Future<String> f : pending) {
                String body = f.get(10, TimeUnit.SECONDS);
                assertTrue(body.equals("quick") || body.equals("holder"), body);
            }
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "ip_hash", "consistent_hash", "random_two", "ewma"})
    void aMemberMarkedDownGetsNothing(String strategy) throws Exception {
        RawMember a = member(answering("a"));
        RawMember off = member(answering("off"));
        RawMember c = member(answering("c"));
        start("""
                members = 127.0.0.1:%d, 127.0.0.1:%d weight=3 down, 127.0.0.1:%d
                strategy = %s
                hash_key = path
                """.formatted(a.port(), off.port(), c.port(), strategy));
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            // From 20 client addresses (127.0.0.1-20), for ip_hash's sake.
            served.merge(getFrom("127.0.0." + (1 + i % 20), "/item/" + i), 1, Integer::sum);
        }
        assertEquals(0, off.connections(), "the member marked down was connected to: " + served);
        assertEquals(40, served.getOrDefault("a", 0) + served.getOrDefault("c", 0), served.toString());
    }
}
