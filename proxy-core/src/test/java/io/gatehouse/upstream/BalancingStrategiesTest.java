package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.Strategies;
import io.gatehouse.upstream.balance.TriedMembers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every balancing strategy promises, whatever its algorithm: {@code down} members get nothing,
 * backups serve only when no other member can, a retry never goes to a member already tried and finds
 * every other one, a dead pool gives no member (the request is answered 503 at once), a lone usable
 * member among many is found, and picking allocates nothing.
 */
class BalancingStrategiesTest {
    static Stream<String> strategies() {
        return Strategies.names().stream();
    }

    /** A request key whose hash the test sets: a different client, path or header value per pick. */
    static final class Key implements RequestKey {
        long hash;

        Key next(long n) {
            hash = mix(n);
            return this;
        }

        @Override
        public long hash(HashKey key) {
            return hash;
        }

        static long mix(long n) {
            long z = n * 0x9e3779b97f4a7c15L;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z = z ^ (z >>> 31);
            return z == RequestKey.NO_KEY ? 1 : z;
        }
    }

    static Picker picker(String strategy, ClusterMember... members) {
        return Strategies.byName(strategy).orElseThrow().newPicker(Members.context(members));
    }

    static MemberState member(int port) {
        return Members.state(port);
    }

    /** Which members {@code picks} picks give, with a different key each time and then with none. */
    static Map<MemberState, Integer> counts(Picker p, int picks) {
        Map<MemberState, Integer> counts = new HashMap<>();
        Key key = new Key();
        for (int i = 0; i < picks; i++) {
            MemberState m = p.pick(i % 2 == 0 ? key.next(i) : RequestKey.NONE, TriedMembers.NONE);
            counts.merge(m, 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void membersMarkedDownInTheConfigurationGetNothing(String strategy) {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        MemberState off = member(4);
        Picker p = picker(strategy, ClusterMember.plain(a), new ClusterMember(off, 5, false, true),
                ClusterMember.plain(b), ClusterMember.plain(c));
        Map<MemberState, Integer> counts = counts(p, 3000);
        assertFalse(counts.containsKey(off), () -> "down member picked: " + counts);
        assertEquals(Set.of(a, b, c), counts.keySet());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void backupsServeOnlyWhenNoOtherMemberCan(String strategy) {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState spare = member(3);
        MemberState spare2 = member(4);
        Picker p = picker(strategy, ClusterMember.plain(a), new ClusterMember(spare, 1, true), ClusterMember.plain(b),
                new ClusterMember(spare2, 2, true));
        assertEquals(Set.of(a, b), counts(p, 2000).keySet());
        a.markDown(true);
        assertEquals(Set.of(b), counts(p, 500).keySet());
        Key key = new Key();
        for (int i = 0; i < 200; i++) {
            MemberState m = p.pick(key.next(i), x -> x == b);
            assertTrue(m == spare || m == spare2, "primaries tried: a backup, got " + m);
        }
        b.markDown(true);
        Set<MemberState> backups = counts(p, 2000).keySet();
        if (strategy.equals("ewma")) {
            // One request at a time at equal latencies: ewma's cost favours the heavier backup every time.
            assertEquals(Set.of(spare2), backups);
        } else {
            assertEquals(Set.of(spare, spare2), backups);
        }
        spare.markDown(true);
        assertEquals(Set.of(spare2), counts(p, 500).keySet());
        assertNull(p.pick(key.next(1), x -> x == spare2), "nothing left");
        b.markDown(false);
        assertEquals(Set.of(b), counts(p, 500).keySet(), "a primary back: backups wait again");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aRetryGoesToEveryOtherMemberOnceThenNowhere(String strategy) {
        List<ClusterMember> list = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            list.add(new ClusterMember(member(i), i, i == 6));
        }
        Picker p = picker(strategy, list.toArray(ClusterMember[]::new));
        Key key = new Key();
        for (int k = 0; k < 50; k++) {
            Set<MemberState> tried = new HashSet<>();
            RequestKey request = k % 5 == 0 ? RequestKey.NONE : key.next(k);
            for (int i = 0; i < list.size(); i++) {
                MemberState m = p.pick(request, tried::contains);
                assertNotNull(m, "attempt " + (i + 1) + " found no member");
                assertTrue(tried.add(m), "picked a member already tried: " + m);
                if (i < 5) {
                    assertFalse(list.get(5).state() == m, "the backup before every primary was tried");
                }
            }
            assertNull(p.pick(request, tried::contains), "every member tried: nowhere left");
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aDeadPoolGivesNoMember(String strategy) {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState spare = member(3);
        Picker p = picker(strategy, ClusterMember.plain(a), new ClusterMember(b, 3, false),
                new ClusterMember(spare, 1, true));
        a.markDown(true);
        b.markDown(true);
        spare.markDown(true);
        Key key = new Key();
        for (int i = 0; i < 100; i++) {
            assertNull(p.pick(key.next(i), TriedMembers.NONE), "a member that is down was picked");
            assertNull(p.pick(RequestKey.NONE, TriedMembers.NONE), "a member that is down was picked");
        }
        Picker allOff = picker(strategy, new ClusterMember(member(4), 1, false, true),
                new ClusterMember(member(5), 1, true, true));
        assertNull(allOff.pick(key.next(1), TriedMembers.NONE));
        assertNull(allOff.pick(RequestKey.NONE, TriedMembers.NONE));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLoneUsableMemberAmongManyIsFound(String strategy) {
        ClusterMember[] list = new ClusterMember[256];
        for (int i = 0; i < list.length; i++) {
            list[i] = new ClusterMember(member(i + 1), 1 + i % 7, false);
            list[i].state().markDown(i != 137);
        }
        Picker p = picker(strategy, list);
        Key key = new Key();
        for (int i = 0; i < 500; i++) {
            assertSame(list[137].state(), p.pick(key.next(i), TriedMembers.NONE));
        }
        assertSame(list[137].state(), p.pick(RequestKey.NONE, TriedMembers.NONE));
    }

    /**
     * Picking allocates nothing: 100,000 picks after a warm-up, in a cluster of 16 members with mixed
     * weights, a backup, a member down, one busy, latencies known, {@code slow_start} set (so the clock
     * and the ramps are read) and one member already tried.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void pickingAllocatesNothing(String strategy) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ClusterMember[] list = new ClusterMember[16];
        AtomicLong time = new AtomicLong(1_000_000_000L);
        for (int i = 0; i < list.length; i++) {
            list[i] = new ClusterMember(member(i + 1), 1 + i % 4, i == 15);
        }
        MemberPolicy policy = Members.policy(HashKey.URI_KEY, Duration.ofSeconds(30));
        Picker p = Strategies.byName(strategy).orElseThrow()
                .newPicker(Members.context(policy, time::get, list));
        for (int i = 0; i < list.length; i++) {
            MemberState m = list[i].state();
            m.tryStartAttempt(0);
            m.record(Outcome.Kind.OK, 1_000_000L * (i + 1), 2_000_000L * (i + 1), time.get());
        }
        list[3].state().markDown(true);
        list[5].state().tryStartAttempt(0);
        MemberState triedOne = list[7].state();
        TriedMembers tried = m -> m == triedOne;
        Key key = new Key();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += p.pick(i % 8 == 0 ? RequestKey.NONE : key.next(i), tried).active();
            time.addAndGet(1000);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sink += p.pick(i % 8 == 0 ? RequestKey.NONE : key.next(i), tried).active();
            time.addAndGet(1000);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink >= 0);
        assertTrue(allocated < 2048, strategy + " allocated " + allocated + " bytes in 100,000 picks");
    }
}
