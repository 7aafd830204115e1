package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.StatusRanges;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.runtime.RuntimeBuilder;
import io.gatehouse.upstream.health.CheckResult;
import io.gatehouse.upstream.health.HealthChecks;
import io.gatehouse.upstream.health.MemberEvent;
import io.gatehouse.upstream.health.MemberStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generations built by a real {@link RuntimeBuilder} from conf.d directories, put in place as the
 * assembly does (adopt, swap, retainOnly) over one registry and a real IO thread, against scripted
 * members on loopback sockets. No DNS: the resolver knows only IPv4 literals, and refuses
 * {@code nowhere.test}.
 */
class RegistryAcrossRebuildsTest {
    private static final String NOWHERE = "nowhere.test";
    private static final HealthCheckSpec CHECK = new HealthCheckSpec("/health", Duration.ofSeconds(5),
            Duration.ofSeconds(1), 2, 1, StatusRanges.OK_OR_REDIRECT, Optional.empty());
    private static final MemberPolicy CHECKED = ConfigEdits.policy(1, Duration.ofSeconds(10), Optional.of(CHECK),
            Duration.ZERO);

    @TempDir
    Path tmp;

    private MemberSide side;
    private RuntimeBuilder builder;
    private final AtomicReference<Runtime> current = new AtomicReference<>();
    private int generation;

    @BeforeEach
    void start() {
        side = MemberSide.start(RegistryAcrossRebuildsTest::resolve, System::nanoTime);
        builder = new RuntimeBuilder(side.registry, side.connector, new AtomicLong(), record -> { }, List.of());
    }

    @AfterEach
    void stop() {
        side.close();
    }

    private static InetAddress resolve(String host) throws UnknownHostException {
        if (UpstreamRegistry.isLiteral(host) && host.indexOf(':') < 0) {
            return InetAddress.getByName(host); // an IPv4 literal: parsed, never looked up
        }
        throw new UnknownHostException(host + ": no such host in this test");
    }

    // ---- a: unchanged members keep their state and their connection

    @Test
    void aMemberKeptByTheNextGenerationKeepsItsStateCountersAndConnection() throws Exception {
        try (ScriptedMember kept = ScriptedMember.start(ScriptedMember.ok("kept"));
             ScriptedMember dropped = ScriptedMember.start(ScriptedMember.ok("dropped"));
             ScriptedMember added = ScriptedMember.start(ScriptedMember.ok("added"))) {
            Runtime gen1 = install(load(site("@app", "@other")
                    + cluster("app", kept) + cluster("other", dropped)));
            UpstreamCluster app1 = cluster(gen1, "app");
            MemberState state = app1.members().get(0);
            assertEquals("end", side.exchange(app1, MemberSide.Request.get("/1")).await());
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(1, side.idle(state));

            Runtime gen2 = install(load(site("@app", "@other")
                    + cluster("app", kept) + cluster("other", added)));
            UpstreamCluster app2 = cluster(gen2, "app");
            assertNotSame(app1, app2, "a new generation has clusters of its own");
            assertSame(state, app2.members().get(0), "the member's state carried over");
            assertSame(state.endpoint(), app2.members().get(0).endpoint());
            assertFalse(state.endpoint().isRetired());
            assertEquals(1, side.idle(state), "the rebuild left the idle connection alone");

            MemberSide.Sink second = side.exchange(app2, MemberSide.Request.get("/2"));
            assertEquals("end", second.await());
            assertEquals("kept", second.bodyText());
            assertEquals(1, kept.connections(), "the second generation reused the first one's connection");
            assertEquals(2, kept.requests().size());
            assertEquals(2, kept.requests().get(1).onConnection());
            assertEquals(0, kept.closedByPeer());
            assertEquals(2, state.outcomes(Outcome.Kind.OK), "the counters went on");
            assertEquals(2, state.requests());
            assertEquals(0, state.active());
            assertTrue(side.registry.states().contains(state));
            assertEquals(Set.of(key(kept), key(added)), keys(side.registry.endpoints()));
        }
    }

    // ---- b: removed members are retired

    @Test
    void aMemberTheNextGenerationDropsIsRetiredAndItsIdleConnectionCloses() throws Exception {
        try (ScriptedMember kept = ScriptedMember.start(ScriptedMember.ok("kept"));
             ScriptedMember dropped = ScriptedMember.start(ScriptedMember.ok("dropped"))) {
            Runtime gen1 = install(load(site("@app", "@other")
                    + cluster("app", kept) + cluster("other", dropped)));
            MemberState gone = cluster(gen1, "other").members().get(0);
            assertEquals("end", side.exchange(cluster(gen1, "other"), MemberSide.Request.get("/")).await());
            assertEquals(1, side.idle(gone));
            assertEquals(0, dropped.closedByPeer());

            install(load(site("@app") + cluster("app", kept)));

            assertTrue(gone.endpoint().isRetired());
            MemberSide.eventually("the dropped member sees its idle connection closed", () -> dropped.closedByPeer() == 1);
            assertEquals(0, side.idle(gone));
            assertEquals(1, dropped.connections());
            assertFalse(side.registry.states().contains(gone));
            assertFalse(side.registry.endpoints().contains(gone.endpoint()));
            assertEquals(Set.of(key(kept)), keys(side.registry.endpoints()));
            assertEquals(1, side.registry.states().size());
            MemberState keptState = cluster(current.get(), "app").members().get(0);
            assertFalse(keptState.endpoint().isRetired());
        }
    }

    // ---- c: a failed build changes nothing

    @Test
    void aBuildThatFailsReportsFileAndLineAndLeavesTheRegistryAsItWas() throws Exception {
        try (ScriptedMember kept = ScriptedMember.start(ScriptedMember.ok("kept"));
             ScriptedMember other = ScriptedMember.start(ScriptedMember.ok("other"));
             ScriptedMember fresh = ScriptedMember.start(ScriptedMember.ok("fresh"))) {
            Runtime gen1 = install(load(site("@app", "@other")
                    + cluster("app", kept) + cluster("other", other)));
            UpstreamCluster app1 = cluster(gen1, "app");
            MemberState state = app1.members().get(0);
            assertEquals("end", side.exchange(app1, MemberSide.Request.get("/1")).await());
            Set<MemberState> statesBefore = identities(side.registry.states());
            Set<MemberEndpoint> endpointsBefore = identities(side.registry.endpoints());
            assertEquals(2, statesBefore.size());
            assertEquals(2, endpointsBefore.size());

            // Line 1 [routes:line], 2-4 routes, 5 blank, then three clusters of three lines each.
            String text = site("@app", "@fresh", "@bad")
                    + cluster("app", kept) + cluster("fresh", fresh)
                    + "[@bad]\nmembers = " + NOWHERE + ":8080, 127.0.0.1:" + kept.port() + "\n\n";
            ConfDirFixture dir = confDir();
            dir.file("site.conf", text);
            LoadOutcome loaded = dir.load();
            assertEquals(List.of(), loaded.problems(), "the configuration itself is valid");
            RuntimeBuilder.Outcome failed = builder.build(loaded.config().orElseThrow());

            assertTrue(failed.runtime().isEmpty());
            List<String> shown = dir.shown(failed.problems());
            assertEquals(1, shown.size(), shown.toString());
            assertTrue(shown.get(0).startsWith("@D/site.conf:13: cannot resolve upstream host " + NOWHERE + ": "),
                    shown.get(0));
            assertTrue(failed.problems().get(0).isError());

            assertEquals(statesBefore, identities(side.registry.states()), "the same state objects, no more");
            assertEquals(endpointsBefore, identities(side.registry.endpoints()), "the same endpoints, no more");
            assertFalse(keys(side.registry.endpoints()).contains(key(fresh)), "the failed build's new member stayed out");
            assertEquals(0, fresh.connections());
            assertFalse(state.endpoint().isRetired());
            assertEquals(1, state.outcomes(Outcome.Kind.OK));

            // The generation in service goes on as before, on its kept connection.
            assertSame(gen1, current.get());
            assertEquals("end", side.exchange(app1, MemberSide.Request.get("/2")).await());
            assertEquals(1, kept.connections());
            assertEquals(2, state.outcomes(Outcome.Kind.OK));
        }
    }

    // ---- d: an exchange in flight on a member being retired

    @Test
    void anExchangeInFlightOnARetiredMemberFinishesThenClosesItsConnection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedMember slow = ScriptedMember.start(ScriptedMember.heldUntil(release, "late"));
             ScriptedMember next = ScriptedMember.start(ScriptedMember.ok("next"))) {
            Runtime gen1 = install(load(site("@app") + cluster("app", slow)));
            UpstreamCluster app1 = cluster(gen1, "app");
            MemberState state = app1.members().get(0);
            MemberSide.Sink inFlight = side.exchange(app1, MemberSide.Request.get("/slow"));
            MemberSide.eventually("the slow member has the request", () -> slow.requests().size() == 1);

            install(load(site("@app") + cluster("app", next)));
            assertTrue(state.endpoint().isRetired());
            assertFalse(inFlight.done.isDone(), "the answer is still held back");
            assertEquals(1, state.active());

            release.countDown();
            assertEquals("end", inFlight.await());
            assertEquals(200, inFlight.status);
            assertEquals("late", inFlight.bodyText());
            assertEquals(1, state.outcomes(Outcome.Kind.OK));
            assertEquals(0, state.active());
            assertEquals(0, side.idle(state), "a retired member keeps no connection");
            MemberSide.eventually("the retired member sees its connection closed", () -> slow.closedByPeer() == 1);
            assertEquals(1, slow.connections());
        }
    }

    // ---- e: two clusters over one address

    @Test
    void twoClustersListingOneAddressHaveStatesOfTheirOwnOverOneEndpoint() throws Exception {
        try (ScriptedMember shared = ScriptedMember.start(ScriptedMember.ok("shared"))) {
            Runtime gen1 = install(load(site("@a", "@b") + cluster("a", shared) + cluster("b", shared)));
            UpstreamCluster a = cluster(gen1, "a");
            UpstreamCluster b = cluster(gen1, "b");
            MemberState inA = a.members().get(0);
            MemberState inB = b.members().get(0);
            assertNotSame(inA, inB);
            assertEquals("a", inA.cluster());
            assertEquals("b", inB.cluster());
            assertSame(inA.endpoint(), inB.endpoint());
            assertEquals(2, side.registry.states().size());
            assertEquals(1, side.registry.endpoints().size());

            assertEquals("end", side.exchange(a, MemberSide.Request.get("/a")).await());
            assertEquals(1, inA.outcomes(Outcome.Kind.OK));
            assertEquals(1, inA.requests());
            assertEquals(0, inB.outcomes(Outcome.Kind.OK), "an outcome in @a is not @b's");
            assertEquals(0, inB.requests());
            assertEquals(1, side.idle(inB), "the connection @a used waits in the shared pool");

            assertEquals("end", side.exchange(b, MemberSide.Request.get("/b1")).await());
            assertEquals("end", side.exchange(b, MemberSide.Request.get("/b2")).await());
            assertEquals(2, inB.outcomes(Outcome.Kind.OK));
            assertEquals(1, inA.outcomes(Outcome.Kind.OK));
            assertEquals(1, shared.connections(), "both clusters' requests went on one pooled connection");
            assertEquals(3, shared.requests().size());

            inA.markDown(true);
            assertFalse(inA.isUsable());
            assertTrue(inB.isUsable(), "health is each cluster's own view");
            assertEquals("failed NO_MEMBER", side.exchange(a, MemberSide.Request.get("/a2")).await(),
                    "@a's only member is down: a dead pool, at once");
            assertEquals("end", side.exchange(b, MemberSide.Request.get("/b3")).await());

            // A rebuild keeps the two apart.
            inA.markDown(true);
            Runtime gen2 = install(load(site("@a", "@b") + cluster("a", shared) + cluster("b", shared)));
            assertSame(inA, cluster(gen2, "a").members().get(0));
            assertSame(inB, cluster(gen2, "b").members().get(0));
            assertFalse(inA.isUsable(), "the mark carried over");
            assertTrue(inB.isUsable());
        }
    }

    // ---- f: health across rebuilds

    @Test
    void healthStateCountersAndConnectionsOfUnchangedMembersSurviveARebuild() throws Exception {
        List<MemberEvent> events = new CopyOnWriteArrayList<>();
        side.registry.addListener(events::add);
        try (ScriptedMember up = ScriptedMember.start(ScriptedMember.ok("up"));
             ScriptedMember sick = ScriptedMember.start(ScriptedMember.ok("sick"))) {
            String text = site("@app") + cluster("app", up, sick);
            GatehouseConfig config = ConfigEdits.policy(load(text), "app", CHECKED);
            UpstreamCluster app1 = cluster(install(config), "app");
            MemberState upState = app1.members().get(0);
            MemberState sickState = app1.members().get(1);
            assertEquals(MemberStatus.CHECKING, upState.status(System.nanoTime()));
            upState.checkResult(CHECK, result(true, "status 200"));
            sickState.checkResult(CHECK, result(false, "status 500"));
            assertEquals("end", side.exchange(app1, MemberSide.Request.get("/1")).await());
            assertEquals(1, side.idle(upState));
            assertEquals(2, events.size());

            UpstreamCluster app2 = cluster(install(ConfigEdits.policy(load(text), "app", CHECKED)), "app");
            assertSame(upState, app2.members().get(0));
            assertSame(sickState, app2.members().get(1));
            assertEquals(MemberStatus.UP, upState.status(System.nanoTime()));
            assertEquals(MemberStatus.DOWN, sickState.status(System.nanoTime()), "still down: checks decide when it is back");
            assertEquals("1 check failed (status 500)", sickState.why());
            assertEquals(1, upState.outcomes(Outcome.Kind.OK));
            assertEquals(1, side.idle(upState), "its connection stayed");
            assertEquals(2, events.size(), "an unchanged member changes nothing");
            assertEquals("end", side.exchange(app2, MemberSide.Request.get("/2")).await());
            assertEquals(1, up.connections());
            assertEquals(0, sick.requests().size(), "the member down stays out of the new generation's picks");
            // one more good check: rise = 2 counts the one before the rebuild
            sickState.checkResult(CHECK, result(true, "status 200"));
            assertFalse(sickState.isUsable());
            sickState.checkResult(CHECK, result(true, "status 200"));
            assertTrue(sickState.isUsable());
        }
    }

    @Test
    void aMemberAReloadAddsRampsUnderSlowStartAndNoneOfTheFirstGenerationDoes() throws Exception {
        MemberPolicy ramping = ConfigEdits.policy(1, Duration.ofSeconds(10), Optional.empty(), Duration.ofSeconds(30));
        try (ScriptedMember first = ScriptedMember.start(ScriptedMember.ok("first"));
             ScriptedMember added = ScriptedMember.start(ScriptedMember.ok("added"))) {
            UpstreamCluster app1 = cluster(install(ConfigEdits.policy(load(site("@app") + cluster("app", first)),
                    "app", ramping)), "app");
            MemberState firstState = app1.members().get(0);
            long now = System.nanoTime();
            assertEquals(1.0, firstState.weightFactor(now), "no slow start at process start");
            assertEquals(MemberStatus.UP, firstState.status(now));

            UpstreamCluster app2 = cluster(install(ConfigEdits.policy(load(site("@app") + cluster("app", first, added)),
                    "app", ramping)), "app");
            MemberState addedState = app2.members().get(1);
            now = System.nanoTime();
            assertEquals(1.0, firstState.weightFactor(now));
            assertEquals(MemberStatus.SLOW_START, addedState.status(now));
            assertTrue(addedState.weightFactor(now) < 0.1, "added by a reload: it starts small");
            assertEquals("added by a reload", addedState.why());
            assertTrue(addedState.isUsable());
        }
    }

    @Test
    void aMemberRemovedFromEveryClusterIsDrainedAndItsConnectionsClose() throws Exception {
        List<MemberEvent> events = new CopyOnWriteArrayList<>();
        side.registry.addListener(events::add);
        try (ScriptedMember kept = ScriptedMember.start(ScriptedMember.ok("kept"));
             ScriptedMember gone = ScriptedMember.start(ScriptedMember.ok("gone"))) {
            UpstreamCluster app1 = cluster(install(load(site("@app", "@other") + cluster("app", kept, gone)
                    + cluster("other", gone))), "app");
            MemberState goneInApp = app1.members().get(1);
            MemberState goneInOther = cluster(current.get(), "other").members().get(0);
            assertEquals("end", side.exchange(cluster(current.get(), "other"), MemberSide.Request.get("/")).await());
            assertEquals(1, side.idle(goneInOther));

            install(load(site("@app") + cluster("app", kept)));
            for (MemberState s : List.of(goneInApp, goneInOther)) {
                assertTrue(s.isDraining(), s.toString());
                assertFalse(s.isUsable(), "a request of the old generation that retries does not pick it");
                assertEquals(MemberStatus.DRAINING, s.status(System.nanoTime()));
            }
            assertTrue(goneInApp.endpoint().isRetired());
            MemberSide.eventually("its idle connection closed", () -> gone.closedByPeer() == 1);
            assertEquals(2, events.size());
            assertEquals(Set.of("app", "other"), Set.copyOf(events.stream().map(MemberEvent::cluster).toList()));
            assertTrue(events.stream().allMatch(e -> e.to() == MemberStatus.DRAINING
                    && e.reason().equals("removed from the configuration")), events.toString());
        }
    }

    @Test
    void checksFollowTheNewConfiguration() throws Exception {
        HealthChecks checks = new HealthChecks(side.registry, side.connector, side.worker);
        try (ScriptedMember m = ScriptedMember.start(ScriptedMember.ok("m"));
             ScriptedMember n = ScriptedMember.start(ScriptedMember.ok("n")); checks) {
            String text = site("@app") + cluster("app", m, n);
            checks.reconcile(install(ConfigEdits.policy(load(text), "app", CHECKED)).clusters());
            assertEquals(2, checks.running().size());
            List<HealthChecks.Running> before = checks.running();

            checks.reconcile(install(ConfigEdits.policy(load(text), "app", CHECKED)).clusters());
            assertEquals(before, checks.running(), "unchanged: the same checks go on");

            HealthCheckSpec slower = new HealthCheckSpec("/health", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 1,
                    StatusRanges.OK_OR_REDIRECT, Optional.empty());
            MemberPolicy slowerPolicy = ConfigEdits.policy(1, Duration.ofSeconds(10), Optional.of(slower), Duration.ZERO);
            checks.reconcile(install(ConfigEdits.policy(load(site("@app") + cluster("app", m)), "app", slowerPolicy))
                    .clusters());
            assertEquals(1, checks.running().size(), "a member gone, the other's settings changed");
            assertEquals(slower, checks.running().get(0).spec());

            MemberState state = cluster(current.get(), "app").members().get(0);
            state.checkResult(slower, result(false, "status 500"));
            assertFalse(state.isUsable());
            checks.reconcile(install(load(site("@app") + cluster("app", m))).clusters());
            assertEquals(List.of(), checks.running(), "checks off");
            assertTrue(state.isUsable(), "their verdict forgotten");
        }
    }

    // ---- helpers

    /** Loads {@code text} as conf.d/site.conf of a directory of its own and builds it; fails on any problem. */
    private GatehouseConfig load(String text) {
        ConfDirFixture dir = confDir();
        dir.file("site.conf", text);
        LoadOutcome loaded = dir.load();
        assertEquals(List.of(), loaded.problems().stream().map(Problem::toString).toList());
        return loaded.config().orElseThrow();
    }

    private ConfDirFixture confDir() {
        return new ConfDirFixture(tmp.resolve("gen" + (++generation)));
    }

    /** Builds {@code config} and puts it in service as the assembly does: adopt, swap, retainOnly. */
    private Runtime install(GatehouseConfig config) {
        RuntimeBuilder.Outcome built = builder.build(config);
        assertEquals(List.of(), built.problems().stream().map(Problem::toString).toList());
        Runtime next = built.runtime().orElseThrow();
        side.registry.adopt(next.upstreams());
        current.set(next);
        side.registry.retainOnly(next.upstreams());
        return next;
    }

    /** A site routing one path to each of {@code clusters} ({@code @name}); 5 lines with the blank one. */
    private static String site(String... clusters) {
        StringBuilder s = new StringBuilder("[routes:line]\n");
        String[] paths = {"/", "/two", "/three"};
        for (int i = 0; i < paths.length; i++) {
            s.append(i < clusters.length ? paths[i] + " = " + clusters[i] : "/hc" + i + " = return 200").append('\n');
        }
        return s.append('\n').toString();
    }

    /** A cluster section of 3 lines listing {@code members} on the loopback address. */
    private static String cluster(String name, ScriptedMember... members) {
        StringBuilder list = new StringBuilder();
        for (ScriptedMember m : members) {
            list.append(list.isEmpty() ? "" : ", ").append("127.0.0.1:").append(m.port());
        }
        return "[@" + name + "]\nmembers = " + list + "\n\n";
    }

    private static CheckResult result(boolean ok, String reason) {
        return new CheckResult(Instant.now(), Duration.ofMillis(1), ok, reason);
    }

    private static UpstreamCluster cluster(Runtime runtime, String name) {
        return runtime.clusters().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster " + name));
    }

    private static MemberKey key(ScriptedMember m) {
        return new MemberKey(false, new HostPort("127.0.0.1", m.port()));
    }

    private static Set<MemberKey> keys(Collection<MemberEndpoint> endpoints) {
        return Set.copyOf(endpoints.stream().map(MemberEndpoint::key).toList());
    }

    private static <T> Set<T> identities(Collection<T> items) {
        Set<T> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(items);
        return set;
    }
}
