package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.config.model.StatusRanges;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.server.BufferPool;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.PickerContext;
import io.gatehouse.upstream.balance.RoundRobinStrategy;
import io.gatehouse.upstream.health.HealthChecks;
import io.gatehouse.upstream.health.MemberStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * Active health checks against scripted members on loopback, over the real member exchange: one check
 * per member and settings however many clusters share them, what a check sends, how it judges the
 * answer (status, refusal, silence), that its attempts are not a cluster's traffic, that checks follow
 * {@link HealthChecks#reconcile}, that a cluster with {@code ssl = yes} checks over TLS with its own
 * trust, and that first runs are spread over the interval and the IO threads.
 */
class HealthChecksTest {
    private static final Duration INTERVAL = Duration.ofMillis(200);

    private MemberSide side;
    private HealthChecks checks;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void start() {
        side = MemberSide.start();
        checks = new HealthChecks(side.registry, side.connector, side.worker, new SplittableRandom(5), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        checks.close();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        side.close();
    }

    private static HealthCheckSpec check(String path, Duration interval, Duration timeout, Optional<String> host) {
        return new HealthCheckSpec(path, interval, timeout, 1, 1, StatusRanges.OK_OR_REDIRECT, host);
    }

    private static MemberPolicy withCheck(HealthCheckSpec spec) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), Optional.of(spec), d.maxFails(), d.failTimeout(), d.failOn(), d.slowStart(),
                d.retries(), d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(), d.queueTimeout());
    }

    private ScriptedMember member(ScriptedMember.Script script) throws IOException {
        ScriptedMember m = ScriptedMember.start(script);
        closeAfter.add(m);
        return m;
    }

    private static long checksAt(ScriptedMember m, String path) {
        return m.requests().stream().filter(r -> r.requestLine().startsWith("GET " + path + " ")).count();
    }

    @Test
    void twoClustersSharingAMemberAndItsCheckSettingsMakeOneCheck() throws Exception {
        ScriptedMember shared = member(ScriptedMember.ok("fine"));
        HealthCheckSpec spec = check("/health", INTERVAL, Duration.ofSeconds(1), Optional.empty());
        UpstreamCluster a = side.cluster("a", withCheck(spec), MemberSide.loopback(shared.port()));
        UpstreamCluster b = side.cluster("b", withCheck(spec), MemberSide.loopback(shared.port()));
        MemberState inA = a.members().get(0);
        MemberState inB = b.members().get(0);
        assertEquals(MemberStatus.CHECKING, inA.status(System.nanoTime()));

        long started = System.nanoTime();
        checks.reconcile(List.of(a, b));
        assertEquals(1, checks.running().size());
        assertEquals(2, checks.running().get(0).clusters());
        MemberSide.eventually("six checks", () -> checksAt(shared, "/health") >= 6);
        long elapsed = System.nanoTime() - started;
        long seen = checksAt(shared, "/health");
        // One check: one request per interval (± 10 %) after a first one within the first interval.
        long most = 1 + elapsed / (INTERVAL.toNanos() * 9 / 10) + 1;
        assertTrue(seen <= most, seen + " checks in " + elapsed / 1_000_000 + " ms: more than one check runs");

        for (ScriptedMember.Request r : shared.requests()) {
            assertEquals("GET /health HTTP/1.1", r.requestLine());
            assertEquals("127.0.0.1:" + shared.port(), r.header("Host"), "the member's address as written");
            assertEquals("close", r.header("Connection"));
            assertEquals("Gatehouse-health-check", r.header("User-Agent"));
            assertEquals(1, r.onConnection(), "each check on a connection of its own");
        }
        MemberSide.eventually("both clusters heard a pass", () -> inA.status(System.nanoTime()) == MemberStatus.UP
                && inB.status(System.nanoTime()) == MemberStatus.UP);
        assertNotNull(inA.lastCheck());
        assertTrue(inA.lastCheck().ok());
        assertEquals("status 200", inA.lastCheck().reason());
        assertEquals(0, inA.requests(), "the checks' attempts are not the cluster's traffic");
        assertEquals(0, inB.requests());
        assertEquals(0, side.idle(inA), "no check leaves a connection in the pool");
        assertFalse(side.registry.states().stream().anyMatch(s -> s.cluster().equals(UpstreamRegistry.CHECK_CLUSTER)));

        // Other settings for the same member: a check of their own; the first goes on untouched.
        HealthCheckSpec other = check("/other", INTERVAL, Duration.ofSeconds(1), Optional.of("status.test"));
        UpstreamCluster c = side.cluster("c", withCheck(other), MemberSide.loopback(shared.port()));
        HealthChecks.Running first = checks.running().get(0);
        checks.reconcile(List.of(a, b, c));
        assertEquals(2, checks.running().size());
        assertEquals(first, checks.running().get(0));
        MemberSide.eventually("the second check runs", () -> checksAt(shared, "/other") >= 1);
        assertEquals("status.test", shared.requests().stream().filter(r -> r.requestLine().startsWith("GET /other"))
                .findFirst().orElseThrow().header("Host"), "health_host");

        // No cluster wants checks any more: they stop.
        checks.reconcile(List.of());
        assertEquals(List.of(), checks.running());
        Thread.sleep(INTERVAL.toMillis()); // a check under way may still end
        long after = shared.requests().size();
        Thread.sleep(3 * INTERVAL.toMillis());
        assertEquals(after, shared.requests().size(), "no check after they were stopped");
    }

    @Test
    void aRefusedCheckTakesTheMemberDownAndSaysWhy() throws Exception {
        HealthCheckSpec spec = check("/health", INTERVAL, Duration.ofSeconds(1), Optional.empty());
        UpstreamCluster cluster = side.cluster("app", withCheck(spec), MemberSide.loopback(refusedPort()));
        MemberState state = cluster.members().get(0);
        checks.reconcile(List.of(cluster));
        MemberSide.eventually("down", () -> state.why().startsWith("1 check failed"));
        assertFalse(state.isUsable());
        assertEquals(MemberStatus.DOWN, state.status(System.nanoTime()));
        assertEquals("1 check failed (connect() refused)", state.why());
        assertFalse(state.lastCheck().ok());
        assertEquals(0, state.requests());
        assertEquals(0, state.failures(), "a failed check is not a failed request");
    }

    @Test
    void anAnswerOutsideHealthStatusFailsTheCheck() throws Exception {
        ScriptedMember sick = member((request, in, out) -> {
            out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nsick".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        });
        UpstreamCluster cluster = side.cluster("app", withCheck(check("/health", INTERVAL, Duration.ofSeconds(1),
                Optional.empty())), MemberSide.loopback(sick.port()));
        MemberState state = cluster.members().get(0);
        checks.reconcile(List.of(cluster));
        MemberSide.eventually("down", () -> state.why().startsWith("1 check failed"));
        assertFalse(state.isUsable());
        assertEquals("1 check failed (status 503, not in 200-399)", state.why());
    }

    @Test
    void aMemberThatDoesNotAnswerWithinHealthTimeoutFailsTheCheck() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        closeAfter.add(never::countDown);
        ScriptedMember silent = member(ScriptedMember.heldUntil(never, "late"));
        UpstreamCluster cluster = side.cluster("app", withCheck(check("/health", Duration.ofSeconds(5),
                Duration.ofMillis(300), Optional.empty())), MemberSide.loopback(silent.port()));
        MemberState state = cluster.members().get(0);
        long started = System.nanoTime();
        checks.reconcile(List.of(cluster));
        MemberSide.eventually("down", () -> state.why().startsWith("1 check failed"));
        assertFalse(state.isUsable());
        assertEquals("1 check failed (no answer within 300ms)", state.why());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5) + TimeUnit.MILLISECONDS.toNanos(800),
                "within the first interval and the timeout");
        assertTrue(state.lastCheck().latency().toMillis() >= 290, state.lastCheck().toString());
    }

    @Test
    void firstChecksAreSpreadOverTheIntervalAndTheIoThreads() throws Exception {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "checks-spread-test")
                .set(Options.WORKER_IO_THREADS, 3)
                .set(Options.WORKER_TASK_CORE_THREADS, 1)
                .set(Options.WORKER_TASK_MAX_THREADS, 1)
                .getMap());
        closeAfter.add(worker::shutdownNow);
        UpstreamRegistry registry = new UpstreamRegistry(worker, 4);
        HealthChecks spread = new HealthChecks(registry, new UpstreamConnector(new BufferPool(true, 16 * 1024, 8, 8)),
                worker, new SplittableRandom(11), Clock.systemUTC());
        closeAfter.add(spread);
        Duration interval = Duration.ofSeconds(3);
        Map<Integer, Long> firstSeen = new ConcurrentHashMap<>();
        List<UpstreamCluster> clusters = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            int n = i;
            ScriptedMember.Script ok = ScriptedMember.ok("ok");
            ScriptedMember m = member((request, in, out) -> {
                firstSeen.putIfAbsent(n, System.nanoTime());
                return ok.answer(request, in, out);
            });
            clusters.add(cluster(registry, "c" + i, withCheck(check("/health", interval, Duration.ofSeconds(1),
                    Optional.empty())), m.port()));
        }
        long started = System.nanoTime();
        spread.reconcile(clusters);
        List<HealthChecks.Running> running = spread.running();
        assertEquals(9, running.size());
        Set<Integer> threads = new HashSet<>();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            assertEquals(i % 3, running.get(i).ioThread(), "members spread over the IO threads in turn");
            threads.add(running.get(i).ioThread());
            long d = running.get(i).firstDelay().toNanos();
            assertTrue(d >= 0 && d < interval.toNanos(), "within the first interval: " + d);
            delays.add(d);
        }
        assertEquals(3, threads.size());
        assertEquals(9, new HashSet<>(delays).size(), "no two at the same moment");
        long spreadNanos = delays.stream().mapToLong(Long::longValue).max().orElseThrow()
                - delays.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(spreadNanos > interval.toNanos() / 3, "first runs spread over the interval: " + spreadNanos);

        MemberSide.eventually("every member checked once", () -> firstSeen.size() == 9);
        long earliest = firstSeen.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long latest = firstSeen.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(latest - earliest > TimeUnit.MILLISECONDS.toNanos(500),
                "the members saw their first checks " + (latest - earliest) / 1_000_000 + " ms apart at most");
        assertTrue(latest - started < interval.toNanos() + TimeUnit.SECONDS.toNanos(1), "all within the first interval");
    }

    @Test
    void aClusterWithSslChecksOverTlsWithItsOwnTrust(@TempDir Path tmp) throws Exception {
        TestCa ca = TestCa.create("Gatehouse Health Test CA");
        TlsMember trusted = TlsMember.start(ca.issue("member.test"), "ok");
        closeAfter.add(trusted);
        TlsMember stranger = TlsMember.start(TestCa.create("Other CA").issue("member.test"), "ok");
        closeAfter.add(stranger);
        MemberSide tls = MemberSide.start(host -> InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), System::nanoTime);
        closeAfter.add(tls);
        HealthChecks tlsChecks = new HealthChecks(tls.registry, tls.connector, tls.worker, new SplittableRandom(3),
                Clock.systemUTC());
        closeAfter.add(tlsChecks);
        MemberTlsSpec trust = MemberTlsSpec.ca(ca.writePem(tmp.resolve("ca.pem")), List.of(ca.certificate()));
        tls.connector.prepareTls(trust);
        MemberPolicy policy = withCheck(check("/health", INTERVAL, Duration.ofSeconds(1), Optional.empty()));
        UpstreamCluster cluster = tlsCluster(tls.registry, "secure", policy, trust, trusted.port(), stranger.port());
        MemberState good = cluster.members().get(0);
        MemberState bad = cluster.members().get(1);
        tlsChecks.reconcile(List.of(cluster));
        MemberSide.eventually("the trusted member checked up", () -> good.status(System.nanoTime()) == MemberStatus.UP);
        assertTrue(trusted.serverNames().contains("member.test"), "the check sent the member's name: " + trusted.serverNames());
        MemberSide.eventually("the stranger checked down", () -> bad.why().startsWith("1 check failed"));
        assertFalse(bad.isUsable());
        assertEquals(0, stranger.handshakes(), "its certificate was refused");
    }

    /** A cluster with {@code ssl = yes} over {@code member.test} at each port, adopted. */
    private static UpstreamCluster tlsCluster(UpstreamRegistry registry, String name, MemberPolicy policy,
                                              MemberTlsSpec trust, int... ports) throws UnknownHostException {
        SourcePos pos = new SourcePos("test.conf", 1);
        UpstreamRegistry.Claim claim = registry.claim();
        List<MemberSpec> specs = new ArrayList<>();
        List<ClusterMember> members = new ArrayList<>();
        for (int port : ports) {
            HostPort address = new HostPort("member.test", port);
            specs.add(new MemberSpec(pos, address, 1, false));
            members.add(ClusterMember.plain(claim.member(name, new MemberKey(true, address, trust), Duration.ZERO, policy)));
        }
        registry.adopt(claim);
        ClusterSpec spec = new ClusterSpec(pos, name, specs, true, "round_robin", List.of(), List.of(), Duration.ZERO, trust)
                .withPolicy(policy);
        return new UpstreamCluster(PickerContext.of(spec, members), new RoundRobinStrategy());
    }

    /** A cluster of one over {@code registry}, adopted. */
    private static UpstreamCluster cluster(UpstreamRegistry registry, String name, MemberPolicy policy, int port) {
        try {
            UpstreamRegistry.Claim claim = registry.claim();
            MemberState state = claim.member(name, new MemberKey(false, MemberSide.loopback(port)), Duration.ZERO, policy);
            registry.adopt(claim);
            SourcePos pos = new SourcePos("test.conf", 1);
            ClusterSpec spec = new ClusterSpec(pos, name, List.of(new MemberSpec(pos, MemberSide.loopback(port), 1, false)),
                    false, "round_robin", List.of(), List.of(), Duration.ZERO).withPolicy(policy);
            return new UpstreamCluster(PickerContext.of(spec, List.of(ClusterMember.plain(state))), new RoundRobinStrategy());
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
