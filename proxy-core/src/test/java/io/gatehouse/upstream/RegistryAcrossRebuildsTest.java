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
import io.gatehouse.config.model.HostPort;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.runtime.RuntimeBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
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
            Runtime gen2 = install(load(site("@a", "@b") + cluster("a", shared) + cluster("b", shared)));
            assertSame(inA, cluster(gen2, "a").members().get(0));
            assertSame(inB, cluster(gen2, "b").members().get(0));
            assertFalse(inA.isUsable(), "the mark carried over");
            assertTrue(inB.isUsable());
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
