package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.StatusRanges;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.health.HealthChecks;
import io.gatehouse.upstream.health.MemberEvent;
import io.gatehouse.upstream.health.MemberStatus;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream health end to end, a real Gatehouse in process with members on loopback that die and come
 * back: active checks take a dead member down after {@code fall} failures and bring it back after
 * {@code rise} passes, ramping under {@code slow_start}; each change is one event and one line of the
 * error log; backups serve only when every primary is down; a dead pool answers 503 at once; passive
 * health takes a refusing member out and probes it with one request; health survives a rebuild;
 * draining lets the request in flight finish and sends no new one; two clusters sharing a member and
 * its check settings make one check.
 *
 * <p>The health keys are set in process ({@link ClusterSpec#withPolicy} on the loaded configuration,
 * put in service by {@code Assembly.apply}, as a reload does), so that this test does not depend on
 * how the keys are written.
 */
@Timeout(60)
class HealthChecksTest {
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path tmp;

    private GatehouseHarness gatehouse;
    private final List<RestartableMember> members = new ArrayList<>();
    private final List<MemberEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (gatehouse != null) {
            gatehouse.close();
        }
        for (RestartableMember m : members) {
            m.close();
        }
    }

    private RestartableMember member(String name) throws IOException {
        RestartableMember m = RestartableMember.start(name);
        members.add(m);
        return m;
    }

    /** Gatehouse routing {@code /} to {@code @app} and {@code /b} to {@code @b} (when there is one), as written. */
    private void start(String clusters) {
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 10s

                [routes:line]
                / = @app
                %s
                %s
                """.formatted(clusters.contains("[@b]") ? "/b = @b\n" : "", clusters));
        gatehouse.assembly().upstreams().addListener(events::add);
    }

    private static String cluster(String name, String members) {
        return "[@" + name + "]\nmembers = " + members + "\n\n";
    }

    private static HealthCheckSpec check(Duration timeout, int rise, int fall) {
        return new HealthCheckSpec("/health", INTERVAL, timeout, rise, fall, StatusRanges.OK_OR_REDIRECT, Optional.empty());
    }

    private static MemberPolicy policy(int maxFails, Duration failTimeout, Optional<HealthCheckSpec> health,
                                       Duration slowStart) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), health, maxFails, failTimeout, d.failOn(), slowStart, d.retries(),
                d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }

    /** Puts the configuration in service again with {@code policy} for each of {@code clusters}, as a reload would. */
    private void apply(MemberPolicy policy, String... clusters) throws Exception {
        GatehouseConfig config = gatehouse.assembly().runtime().config();
        Map<String, ClusterSpec> specs = new LinkedHashMap<>(config.clusters());
        for (String name : clusters) {
            specs.put(name, specs.get(name).withPolicy(policy));
        }
        reapply(new GatehouseConfig(config.confDir(), config.sites(), config.listeners(), specs, config.log(),
                config.proxyPass()));
    }

    private void reapply(GatehouseConfig config) throws Exception {
        List<Problem> problems = gatehouse.assembly().apply(config);
        assertTrue(problems.stream().noneMatch(Problem::isError), problems.toString());
    }

    private MemberView view(String cluster, RestartableMember m) {
        PoolSnapshot pool = gatehouse.assembly().pool().snapshot();
        return pool.cluster(cluster).orElseThrow().member(m.address()).orElseThrow();
    }

    private MemberStatus state(RestartableMember m) {
        return view("app", m).state();
    }

    /** {@code GET path}; the status line and the body. */
    private String[] get(String path) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String r = http.send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").readAll();
            return new String[] {r.substring(0, r.indexOf("\r\n")), r.substring(r.indexOf("\r\n\r\n") + 4)};
        }
    }

    /** Who answered {@code n} requests, by body; every one must be a 200. */
    private Map<String, Integer> answers(int n) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String[] r = get("/" + i);
            assertEquals("HTTP/1.1 200 OK", r[0], r[1]);
            counts.merge(r[1], 1, Integer::sum);
        }
        return counts;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 10 s: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    private List<MemberEvent> eventsOf(RestartableMember m) {
        return events.stream().filter(e -> e.member().address().port() == m.port() && e.cluster().equals("app")).toList();
    }

    /** The error log's lines that hold {@code text}, once there are {@code count} (at most 10 s). */
    private List<String> logLines(String text, int count) throws Exception {
        Path file = gatehouse.logDir.resolve("error.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = Files.exists(file)
                    ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).toList()
                    : List.of();
            if (lines.size() >= count || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(20);
        }
    }

    // ---- active checks

    @Test
    void aKilledMemberIsDownAfterFallFailedChecksAndBackAfterRiseGoodOnesRampingUnderSlowStart() throws Exception {
        RestartableMember a = member("a");
        RestartableMember b = member("b");
        RestartableMember c = member("c");
        start(cluster("app", a.address() + ", " + b.address() + ", " + c.address()));
        apply(policy(1, Duration.ofSeconds(10), Optional.of(check(Duration.ofMillis(500), 2, 1)), Duration.ofSeconds(2)),
                "app");
        await("every member checked up", () -> state(a) == MemberStatus.UP && state(b) == MemberStatus.UP
                && state(c) == MemberStatus.UP);
        assertEquals(Map.of("a", 2, "b", 2, "c", 2), answers(6));
        events.clear();

        b.kill();
        await("b down", () -> state(b) == MemberStatus.DOWN);
        MemberView down = view("app", b);
        // Refused, as a rule; a check under way when it died hears the connection close instead.
        assertTrue(down.why().equals("1 check failed (connect() refused)")
                || down.why().startsWith("1 check failed (upstream closed the connection"), "fall = 1: " + down.why());
        assertFalse(down.lastCheck().orElseThrow().ok());
        assertEquals(0.0, down.effectiveWeight());
        await("its event (published once the change is whole)", () -> !eventsOf(b).isEmpty());
        assertEquals(List.of(MemberStatus.DOWN), eventsOf(b).stream().map(MemberEvent::to).toList(), "one event");
        assertEquals(MemberStatus.UP, eventsOf(b).get(0).from());
        String downLine = "health: member " + b.address() + " of @app down: " + down.why();
        List<String> lines = logLines(downLine, 1);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" WARN "), lines.get(0));
        long bTried = view("app", b).requests();
        Map<String, Integer> withoutB = answers(6);
        assertEquals(6, withoutB.getOrDefault("a", 0) + withoutB.getOrDefault("c", 0), withoutB.toString());
        assertEquals(bTried, view("app", b).requests(), "no request goes to the dead member, not even to be retried");

        int checksBefore = b.requests("/health");
        b.revive();
        await("b back", () -> state(b) != MemberStatus.DOWN);
        assertTrue(b.requests("/health") - checksBefore >= 2, "rise = 2 good checks");
        MemberView back = view("app", b);
        assertEquals(MemberStatus.SLOW_START, back.state());
        assertEquals("2 checks passed", back.why());
        assertTrue(back.effectiveWeight() > 0 && back.effectiveWeight() < back.weight(),
                "ramping: " + back.effectiveWeight());
        await("full weight after slow_start", () -> state(b) == MemberStatus.UP);
        assertEquals(1.0, view("app", b).effectiveWeight());
        await("the ramp's end is an event", () -> eventsOf(b).size() == 3);
        assertEquals(List.of(MemberStatus.DOWN, MemberStatus.SLOW_START, MemberStatus.UP),
                eventsOf(b).stream().map(MemberEvent::to).toList());
        assertEquals(1, logLines("of @app slow_start: 2 checks passed", 1).size());
        assertEquals(1, logLines("of @app up: slow start over, at full weight", 1).size());
        assertEquals(1, logLines(downLine, 1).size(), "still one line for the fall");
        assertEquals(3, answers(9).get("b"), "back in the rotation");
    }

    @Test
    void backupsTakeOverOnlyWhenEveryPrimaryIsDown() throws Exception {
        RestartableMember a = member("a");
        RestartableMember b = member("b");
        RestartableMember spare = member("spare");
        start(cluster("app", a.address() + ", " + b.address() + ", " + spare.address() + " backup"));
        apply(policy(0, Duration.ofSeconds(10), Optional.of(check(Duration.ofMillis(500), 1, 1)), Duration.ZERO), "app");
        await("checked up", () -> state(a) == MemberStatus.UP && state(b) == MemberStatus.UP);
        await("the backup checked", () -> state(spare) == MemberStatus.BACKUP);
        assertEquals(Map.of("a", 3, "b", 3), answers(6));

        a.kill();
        await("a down", () -> state(a) == MemberStatus.DOWN);
        long aTried = view("app", a).requests();
        assertEquals(Map.of("b", 6), answers(6), "one primary left: the backup still waits");
        assertEquals(aTried, view("app", a).requests(), "a member down is not even tried");

        b.kill();
        await("b down", () -> state(b) == MemberStatus.DOWN);
        long bTried = view("app", b).requests();
        assertEquals(Map.of("spare", 6), answers(6), "every primary down: the backup serves");
        assertEquals(aTried, view("app", a).requests());
        assertEquals(bTried, view("app", b).requests(), "the backup serves at once, no primary tried first");

        a.revive();
        await("a up", () -> state(a) == MemberStatus.UP);
        assertEquals(Map.of("a", 6), answers(6), "a primary back: the backup waits again");
    }

    @Test
    void aDeadPoolAnswers503AtOnceWithoutWaitingOnAnyTimeout() throws Exception {
        RestartableMember a = member("a");
        RestartableMember b = member("b");
        start(cluster("app", a.address() + ", " + b.address()));
        apply(policy(1, Duration.ofSeconds(10), Optional.of(check(Duration.ofMillis(300), 1, 1)), Duration.ZERO), "app");
        a.silentHealth(true); // accepts, reads, never answers: a request to it would wait response_timeout (10 s)
        b.kill();
        await("a down", () -> state(a) == MemberStatus.DOWN);
        await("b down", () -> state(b) == MemberStatus.DOWN);
        assertEquals("1 check failed (no answer within 300ms)", view("app", a).why());

        long started = System.nanoTime();
        String[] r = get("/silent");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals("HTTP/1.1 503 Service Unavailable", r[0], r[1]);
        assertTrue(r[1].contains("\"status\":503"), r[1]);
        assertTrue(tookMs < 2_000, "answered in " + tookMs + " ms, not after a timeout");
        assertEquals(0, a.requests("/silent"), "no member was tried");
    }

    @Test
    void healthStateSurvivesARuntimeRebuild() throws Exception {
        RestartableMember a = member("a");
        RestartableMember b = member("b");
        start(cluster("app", a.address() + ", " + b.address()));
        MemberPolicy checked = policy(1, Duration.ofSeconds(10), Optional.of(check(Duration.ofMillis(500), 2, 1)),
                Duration.ZERO);
        apply(checked, "app");
        await("a up", () -> state(a) == MemberStatus.UP);
        b.kill();
        await("b down", () -> state(b) == MemberStatus.DOWN);
        answers(4);
        MemberState aState = gatehouse.assembly().runtime().clusters().get(0).members().get(0);
        long aRequests = view("app", a).requests();
        String why = view("app", b).why();
        List<HealthChecks.Running> checks = gatehouse.assembly().healthChecks().running();
        long generation = gatehouse.assembly().pool().snapshot().generation();
        int eventsBefore = events.size();

        reapply(gatehouse.assembly().runtime().config()); // the same configuration, built again

        assertTrue(gatehouse.assembly().pool().snapshot().generation() > generation, "a new generation");
        assertSame(aState, gatehouse.assembly().runtime().clusters().get(0).members().get(0));
        assertEquals(MemberStatus.DOWN, state(b), "down at once in the new generation: no checking again");
        assertEquals(why, view("app", b).why());
        assertEquals(MemberStatus.UP, state(a));
        assertEquals(aRequests, view("app", a).requests(), "the counters went on");
        assertEquals(checks, gatehouse.assembly().healthChecks().running(), "the same checks go on");
        assertEquals(eventsBefore, events.size(), "a rebuild changes no member's state");
        assertEquals(Map.of("a", 4), answers(4));
    }

    // ---- passive health

    @Test
    void passiveHealthTakesARefusingMemberOutAndOneRequestProbesItAfterFailTimeout() throws Exception {
        RestartableMember a = member("a");
        RestartableMember b = member("b");
        start(cluster("app", a.address() + ", " + b.address()));
        apply(policy(1, Duration.ofSeconds(1), Optional.empty(), Duration.ZERO), "app");
        a.kill();
        assertEquals(Map.of("b", 4), answers(4), "the refused attempt went on to b");
        MemberView out = view("app", a);
        assertEquals(MemberStatus.DOWN, out.state());
        // The real reason: refused, or (when a connect raced the listener's close into its backlog) a
        // connection closed without an answer; never the kind's generic wording.
        assertTrue(out.why().matches("1 failure within 1s \\((connect\\(\\) refused"
                + "|upstream closed the connection without answering)\\)"), out.why());
        assertEquals(1, out.requests(), "taken out by its first failure: tried once");
        assertEquals(1, out.failures());
        assertEquals(1, logLines("health: member " + a.address() + " of @app down: 1 failure within 1s", 1).size());

        a.revive();
        Thread.sleep(1_100); // fail_timeout
        assertEquals(MemberStatus.DOWN, state(a), "down until a request probes it");
        await("one request probes it", () -> {
            try {
                answers(1);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return a.requests("/") > 0;
        });
        assertEquals(MemberStatus.UP, state(a));
        assertEquals("probe succeeded", view("app", a).why());
        await("its event", () -> eventsOf(a).size() == 2);
        assertEquals(List.of(MemberStatus.DOWN, MemberStatus.UP), eventsOf(a).stream().map(MemberEvent::to).toList());
    }

    // ---- draining

    @Test
    void drainingStopsNewRequestsWhileTheOneInFlightFinishes() throws Exception {
        RestartableMember a = member("a");
        RestartableMember b = member("b");
        start(cluster("app", a.address() + ", " + b.address()));
        CompletableFuture<String[]> held = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/hold");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await("a member holds the request", () -> a.holding() + b.holding() == 1);
        RestartableMember busy = a.holding() == 1 ? a : b;
        RestartableMember other = busy == a ? b : a;
        assertEquals(1, view("app", busy).inFlight());

        assertTrue(gatehouse.assembly().pool().drain("@app", busy.address(), true));
        assertEquals(MemberStatus.DRAINING, state(busy));
        assertEquals(Map.of(other == a ? "a" : "b", 6), answers(6), "no new request to the drained member");
        assertFalse(held.isDone(), "the one in flight is still under way");

        busy.release();
        String[] r = held.get(10, TimeUnit.SECONDS);
        assertEquals("HTTP/1.1 200 OK", r[0]);
        assertEquals(busy == a ? "a" : "b", r[1], "it finished on the drained member");
        assertEquals(0, view("app", busy).inFlight());
        assertEquals(MemberStatus.DRAINING, state(busy), "drained until undrained");
        List<MemberEvent> drained = eventsOf(busy);
        assertEquals(1, drained.size(), drained.toString());
        assertEquals(MemberStatus.DRAINING, drained.get(0).to());
        assertEquals(1, logLines("health: member " + busy.address() + " of @app draining", 1).size());

        assertTrue(gatehouse.assembly().pool().drain("app", busy.address(), false));
        assertEquals(MemberStatus.UP, state(busy), "no slow_start configured: up at once");
        assertEquals(3, answers(6).get(busy == a ? "a" : "b"));
    }

    // ---- one check per member and settings

    @Test
    void twoClustersSharingAMemberWithTheSameCheckSettingsMakeOneCheck() throws Exception {
        RestartableMember shared = member("shared");
        start(cluster("app", shared.address()) + cluster("b", shared.address()));
        long started = System.nanoTime();
        apply(policy(1, Duration.ofSeconds(10), Optional.of(check(Duration.ofMillis(500), 2, 3)), Duration.ZERO),
                "app", "b");
        assertEquals(1, gatehouse.assembly().healthChecks().running().size());
        assertEquals(2, gatehouse.assembly().healthChecks().running().get(0).clusters());
        await("five checks", () -> shared.requests("/health") >= 5);
        long elapsed = System.nanoTime() - started;
        int seen = shared.requests("/health");
        long most = 2 + elapsed / (INTERVAL.toNanos() * 9 / 10);
        assertTrue(seen <= most, seen + " checks in " + elapsed / 1_000_000 + " ms: one check per interval, not two");
        assertEquals(MemberStatus.UP, view("app", shared).state());
        assertEquals(MemberStatus.UP, view("b", shared).state());
        assertEquals(0, view("app", shared).requests(), "checks are not requests");
    }
}
