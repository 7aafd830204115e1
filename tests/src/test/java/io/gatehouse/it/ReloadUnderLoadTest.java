package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.upstream.health.MemberStatus;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload under load (issue 12): while three clients keep requesting from the steady listener (one
 * keep-alive connection each for two of them, a fresh connection per request for the third), {@code conf.d}
 * is edited 50 times through the directory watcher, by plain writes and by temporary files renamed
 * over the original. Every valid edit takes effect; a broken file is refused whole and reported with its
 * {@code file:line} in the outcome and the error log while the previous configuration keeps serving; a
 * listener is added (it answers) and removed (it refuses connections); a listener on a port in use
 * refuses the whole reload; a member taken down by active
 * checks stays down across reloads, and a cached answer is still a HIT; {@code processes} changed is
 * listed as waiting for a restart. Not one request fails.
 */
@Timeout(120)
class ReloadUnderLoadTest {
    private static final int EDITS = 50;
    private static final int BROKEN_AT = 20;
    private static final int LISTENER_ADDED_AT = 30;
    private static final int LISTENER_REMOVED_AT = 36;
    /** A listener on a port something else holds: the whole reload is refused. */
    private static final int PORT_TAKEN_AT = 40;
    /** From this edit on, {@code processes = 2}: applied with the rest, but only at the next restart. */
    private static final int PROCESSES_FROM = 45;

    @TempDir
    Path tmp;

    private final List<Undertow> members = new ArrayList<>();
    private GatehouseHarness gatehouse;
    private final AtomicInteger originRequests = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        members.forEach(Undertow::stop);
    }

    private int member(String name) {
        Undertow u = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setHandler(exchange -> {
            if (exchange.getRequestPath().equals("/cached")) {
                originRequests.incrementAndGet();
                exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=600");
            }
            exchange.getResponseSender().send(name + " " + exchange.getRequestPath());
        }).build();
        u.start();
        members.add(u);
        return GatehouseHarness.boundPort(u);
    }

    private String site(String port, int deadPort, int up, int origin, int version) {
        return """
                [server]
                port = %s
                processes = %d

                [routes:line]
                /hc = return 200 v%d
                /pool = @pool
                /cached = @cached

                [@pool]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                health = /health
                health_interval = 1s
                health_timeout = 500ms

                [@cached]
                members = 127.0.0.1:%d
                cache = yes

                [log]
                dir = %s
                """.formatted(port, version >= PROCESSES_FROM ? 2 : 1, version, up, deadPort, origin, tmp.resolve("logs"));
    }

    @Test
    void fiftyEditsUnderLoadLoseNoRequestAndEachValidOneTakesEffect() throws Exception {
        int up = member("up");
        int origin = member("origin");
        int dead = GatehouseHarness.freePort();
        gatehouse = GatehouseHarness.start(tmp, site("${PORT}", dead, up, origin, 0));
        int port = gatehouse.port;
        Path conf = gatehouse.confDir;
        BlockingQueue<ReloadOutcome> outcomes = new LinkedBlockingQueue<>();
        Consumer<ReloadOutcome> listener = outcomes::add;
        gatehouse.assembly().reloads().subscribe(listener);

        // the dead member is down by its checks before the load starts (it never answered a request)
        awaitState("127.0.0.1:" + dead, MemberStatus.DOWN);
        awaitState("127.0.0.1:" + up, MemberStatus.UP);
        assertEquals("MISS", get(port, "/cached").headers().firstValue("X-Cache").orElse(null));
        assertEquals("HIT", get(port, "/cached").headers().firstValue("X-Cache").orElse(null));

        try (CapturedLog log = new CapturedLog(); Load load = new Load(port)) {
            int applied = 0;
            for (int i = 1; i <= EDITS; i++) {
                if (i == BROKEN_AT) {
                    write(conf, "broken.conf", "[@broken]\nmembers = 127.0.0.1:notaport\n", i);
                    ReloadOutcome refused = next(outcomes);
                    assertFalse(refused.applied(), refused.toString());
                    String where = conf.resolve("broken.conf") + ":2: ";
                    assertTrue(refused.errors().stream().anyMatch(e -> e.startsWith(where)),
                            "reported at file:line: " + refused.errors());
                    assertEquals("v" + (i - 1), get(port, "/hc").body(), "the previous configuration serves");
                    assertTrue(log.problems().stream().anyMatch(m -> m.startsWith("reload refused (")),
                            "the refusal in the error log: " + log.problems());
                    assertTrue(log.problems().stream().anyMatch(m -> m.startsWith(where)),
                            "each problem in the error log: " + log.problems());
                    assertEquals(refused, gatehouse.assembly().reloads().status().lastReload().orElseThrow());
                    Files.delete(conf.resolve("broken.conf"));
                    // the fix is the edit below: the directory is whole again
                }
                if (i == PORT_TAKEN_AT) {
                    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                            java.net.InetAddress.getLoopbackAddress())) {
                        write(conf, "taken.conf", "[server]\nport = " + taken.getLocalPort()
                                + "\n\n[routes:line]\n/x = return 200 never\n", i);
                        ReloadOutcome refused = next(outcomes);
                        assertFalse(refused.applied(), refused.toString());
                        assertEquals(List.of(conf.resolve("taken.conf") + ":2: [server] cannot listen on 127.0.0.1:"
                                + taken.getLocalPort() + ": address already in use (the whole reload is refused; the"
                                + " previous configuration, with its listeners, keeps serving)"), refused.errors());
                        assertEquals("v" + (i - 1), get(port, "/hc").body(), "the previous configuration serves");
                    }
                    Files.delete(conf.resolve("taken.conf"));
                }
                int extra = 0;
                if (i == LISTENER_ADDED_AT) {
                    extra = GatehouseHarness.freePort();
                    write(conf, "extra.conf", "[server]\nport = " + extra + "\n\n[routes:line]\n/x = return 200 extra\n", i);
                }
                if (i == LISTENER_REMOVED_AT) {
                    Files.delete(conf.resolve("extra.conf"));
                }
                write(conf, "site.conf", site(Integer.toString(port), dead, up, origin, i), i);
                ReloadOutcome done = awaitApplied(outcomes, port, i);
                applied++;
                assertEquals(i >= PROCESSES_FROM
                        ? List.of("[server] processes changed from 1 to 2: takes effect at the next restart")
                        : List.of(), done.restartNeeded(), "edit " + i);
                // right after the reload: the unchanged members keep their health, the cache its entry
                PoolSnapshot pool = gatehouse.assembly().pool().snapshot();
                assertEquals(MemberStatus.DOWN, state(pool, "127.0.0.1:" + dead), "no reset to checking at edit " + i);
                assertEquals(MemberStatus.UP, state(pool, "127.0.0.1:" + up), "edit " + i);
                if (i == LISTENER_ADDED_AT) {
                    HttpResponse<String> r = get(extra, "/x");
                    assertEquals("extra", r.body());
                    listenerPort.set(extra);
                }
                if (i == LISTENER_REMOVED_AT) {
                    int gone = listenerPort.get();
                    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", gone).close(),
                            "the removed listener refuses connections");
                }
                if (i % 10 == 0) {
                    HttpResponse<String> cached = get(port, "/cached");
                    assertEquals("HIT", cached.headers().firstValue("X-Cache").orElse(null), "edit " + i);
                    assertEquals("origin /cached", cached.body());
                }
            }
            assertEquals(EDITS, applied);
            load.stopAndAwait();
            assertEquals(List.of(), List.copyOf(load.failures), "no request failed on the steady listener");
            assertTrue(load.ok.get() >= 100, "the load ran throughout: " + load.ok.get() + " requests");
        }
        assertEquals(1, originRequests.get(), "the cached answer was fetched once, before the first reload");
        assertEquals(1, gatehouse.assembly().ioThreads(), "processes waits for a restart");
        gatehouse.assembly().reloads().unsubscribe(listener);
        assertEquals(1 + EDITS + 1, gatehouse.assembly().reloads().status().generation(),
                "one generation per applied reload, and one built for the reload a taken port refused");
    }

    private final AtomicInteger listenerPort = new AtomicInteger();

    /** Writes a file, every other edit as editors save: a temporary file renamed over the original. */
    private static void write(Path conf, String name, String text, int edit) throws IOException {
        if (edit % 2 == 0) {
            Path temp = conf.resolve("." + name + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, conf.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.writeString(conf.resolve(name), text, StandardCharsets.UTF_8);
        }
    }

    private static ReloadOutcome next(BlockingQueue<ReloadOutcome> outcomes) throws InterruptedException {
        ReloadOutcome o = outcomes.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "the watcher reloads within 10 s");
        return o;
    }

    /** Waits for the watcher's reload of edit {@code version}: applied, and its body served. */
    private ReloadOutcome awaitApplied(BlockingQueue<ReloadOutcome> outcomes, int port, int version) throws Exception {
        while (true) {
            ReloadOutcome o = next(outcomes);
            assertTrue(o.applied(), "edit " + version + ": " + o);
            assertEquals("watch", o.trigger());
            if (get(port, "/hc").body().equals("v" + version)) {
                return o;
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static MemberStatus state(PoolSnapshot pool, String address) {
        return pool.cluster("pool").flatMap(c -> c.member(address)).map(MemberView::state).orElseThrow();
    }

    private void awaitState(String address, MemberStatus wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (state(gatehouse.assembly().pool().snapshot(), address) != wanted) {
            assertTrue(System.nanoTime() < deadline, address + " " + wanted + " within 10 s");
            TimeUnit.MILLISECONDS.sleep(20); // polling state another thread changes
        }
    }

    /**
     * Three client threads on the steady listener until stopped (or 90 s): keep-alive GETs of {@code /hc}
     * and {@code /pool}, and a fresh connection per GET of {@code /pool}. Every answer must be a 200 from
     * the configuration (any version) or the member that is up.
     */
    private final class Load implements AutoCloseable {
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger ok = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);

        Load(int port) {
            threads.add(start("keep-alive /hc", () -> check(get(port, "/hc"), "v")));
            threads.add(start("keep-alive /pool", () -> check(get(port, "/pool"), "up /pool")));
            threads.add(start("fresh /pool", () -> {
                try (RawHttp raw = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
                    String answer = raw.send("GET /pool HTTP/1.1\r\nHost: load\r\nConnection: close\r\n\r\n").readAll();
                    if (!answer.startsWith("HTTP/1.1 200") || !answer.endsWith("up /pool")) {
                        failures.add("fresh /pool: " + answer);
                    } else {
                        ok.incrementAndGet();
                    }
                }
            }));
        }

        private void check(HttpResponse<String> r, String bodyStart) {
            if (r.statusCode() != 200 || !r.body().startsWith(bodyStart)) {
                failures.add(r.uri().getPath() + ": " + r.statusCode() + " " + r.body());
            } else {
                ok.incrementAndGet();
            }
        }

        private Thread start(String name, Request request) {
            Thread t = new Thread(() -> {
                while (!stop.get() && System.nanoTime() < deadline) {
                    try {
                        request.run();
                    } catch (Exception e) {
                        failures.add(name + ": " + e);
                    }
                }
            }, "load " + name);
            t.start();
            return t;
        }

        void stopAndAwait() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(20));
                assertFalse(t.isAlive(), t.getName() + " stopped");
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopAndAwait();
        }
    }

    @FunctionalInterface
    private interface Request {
        void run() throws Exception;
    }
}
