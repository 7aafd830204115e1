package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.config.model.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code resolve_interval}: a member named by host name is looked up again on the registry's schedule,
 * with an injected resolver (a table of names to loopback addresses, no DNS) and a clock the test
 * moves by hand. Two scripted members listen on one port, on 127.0.0.1 and 127.0.0.2, so that the
 * name moving from one to the other is seen by which of them gets the next connection.
 */
class AddressRefreshTest {
    private static final String NAME = "svc.test";
    private static final Duration EVERY = Duration.ofSeconds(5);
    private static final InetAddress ONE = loopback(1);
    private static final InetAddress TWO = loopback(2);

    private final Map<String, InetAddress> names = new ConcurrentHashMap<>();
    private final Map<String, Integer> lookups = new ConcurrentHashMap<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private MemberSide side;
    private ScriptedMember one;
    private ScriptedMember two;
    private Logger registryLog;
    private ListAppender<ILoggingEvent> logged;
    private Level levelBefore;

    @BeforeEach
    void start() throws Exception {
        side = MemberSide.start(this::resolve, now::get);
        one = ScriptedMember.start(new InetSocketAddress(ONE, 0), ScriptedMember.ok("one"));
        two = ScriptedMember.start(new InetSocketAddress(TWO, one.port()), ScriptedMember.ok("two"));
        names.put(NAME, ONE);
        registryLog = (Logger) LoggerFactory.getLogger(UpstreamRegistry.class);
        levelBefore = registryLog.getLevel();
        registryLog.setLevel(Level.INFO); // whatever a logging configuration says, the lines asserted on get through
        logged = new ListAppender<>();
        logged.start();
        registryLog.addAppender(logged);
    }

    @AfterEach
    void stop() throws Exception {
        registryLog.detachAppender(logged);
        registryLog.setLevel(levelBefore);
        side.close();
        one.close();
        two.close();
    }

    private InetAddress resolve(String host) throws UnknownHostException {
        lookups.merge(host, 1, Integer::sum);
        if (UpstreamRegistry.isLiteral(host)) {
            return InetAddress.getByName(host); // parsed, not looked up
        }
        InetAddress a = names.get(host);
        if (a == null) {
            throw new UnknownHostException(host + ": not in the test's table");
        }
        return a;
    }

    // ---- a: nothing before the interval

    @Test
    void aNameIsNotLookedUpAgainBeforeItsIntervalIsDue() {
        UpstreamCluster cluster = side.cluster("app", EVERY, named());
        assertEquals(1, lookups(NAME), "looked up once, when claimed");
        side.registry.refreshAddresses();
        advance(EVERY.minusMillis(1));
        side.registry.refreshAddresses();
        assertEquals(1, lookups(NAME), "not due yet");

        advance(Duration.ofMillis(1));
        side.registry.refreshAddresses();
        assertEquals(2, lookups(NAME), "due now");
        side.registry.refreshAddresses();
        assertEquals(2, lookups(NAME), "and not again until another interval has passed");
        advance(EVERY);
        side.registry.refreshAddresses();
        assertEquals(3, lookups(NAME));
        assertEquals(ONE, cluster.members().get(0).endpoint().address().getAddress());
    }

    // ---- b: the name moves

    @Test
    void aNameThatNowResolvesElsewhereMovesTheEndpointAndClosesIdleConnectionsToTheOldAddress() {
        UpstreamCluster cluster = side.cluster("app", EVERY, named());
        MemberState state = cluster.members().get(0);
        MemberEndpoint endpoint = state.endpoint();
        assertEquals(new InetSocketAddress(ONE, one.port()), endpoint.address());
        MemberSide.Sink first = side.exchange(cluster, MemberSide.Request.get("/1"));
        assertEquals("end", first.await());
        assertEquals("one", first.bodyText());
        assertEquals(1, side.idle(state));

        names.put(NAME, TWO);
        advance(EVERY);
        side.registry.refreshAddresses();

        assertEquals(new InetSocketAddress(TWO, one.port()), endpoint.address());
        assertSame(endpoint, state.endpoint(), "the same endpoint, moved");
        MemberSide.eventually("the member on .1 sees its idle connection closed", () -> one.closedByPeer() == 1);
        assertEquals(0, side.idle(state));

        MemberSide.Sink next = side.exchange(cluster, MemberSide.Request.get("/2"));
        assertEquals("end", next.await());
        assertEquals("two", next.bodyText());
        assertEquals(1, one.connections());
        assertEquals(1, one.requests().size());
        assertEquals(1, two.connections());
        assertEquals(List.of("GET /2 HTTP/1.1"), two.requests().stream().map(ScriptedMember.Request::requestLine).toList());
        assertEquals(1, side.idle(state), "the connection to the new address is kept");
        assertEquals(2, state.outcomes(Outcome.Kind.OK), "the state carried on through the move");
        assertEquals(1, countMessages(Level.INFO, "now resolves to 127.0.0.2 (was 127.0.0.1)"));
    }

    // ---- c: a connection busy during the move

    @Test
    void aConnectionBusyDuringTheMoveFinishesItsRequestAndIsThenClosed() {
        CountDownLatch release = new CountDownLatch(1);
        one.script(ScriptedMember.heldUntil(release, "late"));
        UpstreamCluster cluster = side.cluster("app", EVERY, named());
        MemberState state = cluster.members().get(0);
        MemberSide.Sink busy = side.exchange(cluster, MemberSide.Request.get("/busy"));
        MemberSide.eventually("the member on .1 has the request", () -> one.requests().size() == 1);

        names.put(NAME, TWO);
        advance(EVERY);
        side.registry.refreshAddresses();
        assertEquals(TWO, state.endpoint().address().getAddress());
        assertFalse(busy.done.isDone(), "the answer is still held back");

        release.countDown();
        assertEquals("end", busy.await());
        assertEquals("late", busy.bodyText());
        assertEquals(1, state.outcomes(Outcome.Kind.OK));
        assertEquals(0, side.idle(state), "a connection to the old address is not kept");
        MemberSide.eventually("the member on .1 sees the connection closed", () -> one.closedByPeer() == 1);

        assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/after")).await());
        assertEquals(1, one.connections());
        assertEquals(1, two.connections());
        assertEquals(1, two.requests().size());
    }

    // ---- d: a lookup that fails

    @Test
    void aFailedLookupKeepsTheLastGoodAddressAndWarnsOnceUntilTheNameResolvesAgain() {
        UpstreamCluster cluster = side.cluster("app", EVERY, named());
        MemberState state = cluster.members().get(0);
        InetSocketAddress good = state.endpoint().address();
        assertEquals("end", side.exchange(cluster, MemberSide.Request.get("/1")).await());

        names.remove(NAME);
        for (int i = 0; i < 3; i++) {
            advance(EVERY);
            side.registry.refreshAddresses();
        }
        assertEquals(4, lookups(NAME), "each due refresh tried again");
        assertSame(good, state.endpoint().address(), "the last good address stays");
        assertEquals(1, countMessages(Level.WARN, "cannot resolve upstream host " + NAME));
        assertEquals(1, logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), "one warning only");
        assertEquals(1, side.idle(state), "the idle connection stays");

        MemberSide.Sink meanwhile = side.exchange(cluster, MemberSide.Request.get("/2"));
        assertEquals("end", meanwhile.await());
        assertEquals("one", meanwhile.bodyText());
        assertEquals(1, one.connections());

        names.put(NAME, ONE);
        advance(EVERY);
        side.registry.refreshAddresses();
        assertEquals(5, lookups(NAME));
        assertEquals(1, countMessages(Level.INFO, "upstream host " + NAME + " resolves again"));
        assertSame(good, state.endpoint().address(), "same address: nothing moved");
        assertEquals(1, side.idle(state));
        assertEquals(0, one.closedByPeer());

        // Failing again after recovering warns again, once.
        names.remove(NAME);
        advance(EVERY);
        side.registry.refreshAddresses();
        advance(EVERY);
        side.registry.refreshAddresses();
        assertEquals(2, countMessages(Level.WARN, "cannot resolve upstream host " + NAME));
    }

    // ---- e: IP literals

    @Test
    void anIpLiteralIsNeverLookedUpAgain() {
        HostPort literal = new HostPort("127.0.0.1", one.port());
        UpstreamCluster cluster = side.cluster("app", EVERY, literal);
        int claimed = lookups("127.0.0.1");
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofHours(1));
            side.registry.refreshAddresses();
        }
        assertEquals(claimed, lookups("127.0.0.1"));
        assertEquals(new InetSocketAddress(ONE, one.port()), cluster.members().get(0).endpoint().address());
        // Another generation listing it with a short interval does not change that.
        side.cluster("other", Duration.ofSeconds(1), literal);
        advance(Duration.ofHours(1));
        side.registry.refreshAddresses();
        assertEquals(claimed, lookups("127.0.0.1"));
    }

    // ---- f: resolve_interval 0

    @Test
    void aZeroIntervalMeansTheNameIsNeverLookedUpAgain() {
        UpstreamCluster cluster = side.cluster("app", Duration.ZERO, named());
        assertEquals(1, lookups(NAME));
        names.put(NAME, TWO);
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofDays(1));
            side.registry.refreshAddresses();
        }
        assertEquals(1, lookups(NAME));
        assertEquals(ONE, cluster.members().get(0).endpoint().address().getAddress());
    }

    // ---- helpers

    private HostPort named() {
        return new HostPort(NAME, one.port());
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private int lookups(String host) {
        return lookups.getOrDefault(host, 0);
    }

    private long countMessages(Level level, String part) {
        return logged.list.stream()
                .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(part))
                .count();
    }

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
