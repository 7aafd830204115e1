package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.upstream.BalancingStrategiesTest.Key;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.Strategies;
import io.gatehouse.upstream.balance.TriedMembers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How each strategy spreads requests, with fixed seeds and simulated load: shares within stated bounds,
 * load-aware strategies steering away from a busy or slow member (and {@code ewma} taking it back once it
 * recovers), {@code ip_hash} stable, {@code consistent_hash} moving only a leaving member's keys.
 */
class StrategyDistributionTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static MemberState member(int port) {
        return Members.state(port);
    }

    private static Picker picker(String strategy, AtomicLong clock, ClusterMember... members) {
        return Strategies.byName(strategy).orElseThrow().newPicker(Members.context(clock::get, members));
    }

    private static Picker picker(String strategy, ClusterMember... members) {
        return Strategies.byName(strategy).orElseThrow().newPicker(Members.context(members));
    }

    private static double share(Map<MemberState, Integer> counts, MemberState m) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        return counts.getOrDefault(m, 0) / (double) total;
    }

    // ---- weights

    /**
     * Weights 3:1 give 75 % ± 3 % of 40,000 requests to the heavier member: for the load-aware strategies
     * under 16 clients in a closed loop (equal latencies), for the hash strategies over 40,000 different keys.
     */
    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "random_two", "ewma", "ip_hash", "consistent_hash"})
    void weightsThreeToOneGiveThreeQuartersOfTheRequests(String strategy) {
        MemberState heavy = member(1);
        MemberState light = member(2);
        AtomicLong clock = new AtomicLong(SECOND);
        Picker p = picker(strategy, clock, new ClusterMember(light, 1, false), new ClusterMember(heavy, 3, false));
        Map<MemberState, Integer> counts;
        if (strategy.contains("hash")) {
            counts = new HashMap<>();
            Key key = new Key();
            for (int i = 0; i < 40_000; i++) {
                counts.merge(p.pick(key.next(i), TriedMembers.NONE), 1, Integer::sum);
            }
        } else {
            ClosedLoop load = new ClosedLoop(p, clock, m -> 10 * MS).start(16);
            load.run(2_000);
            counts = load.run(40_000);
        }
        double share = share(counts, heavy);
        assertTrue(Math.abs(share - 0.75) <= 0.03, strategy + ": heavy member's share " + share);
    }

    /**
     * One request at a time (every member idle at each pick): round robin, least_conn (whose ties go by
     * weighted turns) and random_two (whose candidates are drawn by weight) still give 3:1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "random_two"})
    void weightsHoldForOneRequestAtATime(String strategy) {
        MemberState heavy = member(1);
        MemberState light = member(2);
        Picker p = picker(strategy, new ClusterMember(light, 1, false), new ClusterMember(heavy, 3, false));
        int heavyPicks = 0;
        for (int i = 0; i < 40_000; i++) {
            heavyPicks += p.pick(RequestKey.NONE, TriedMembers.NONE) == heavy ? 1 : 0;
        }
        assertTrue(Math.abs(heavyPicks / 40_000.0 - 0.75) <= 0.03, strategy + ": heavy member's share " + heavyPicks);
    }

    @Test
    void leastConnBreaksTiesByTurnsNotByListOrder() {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        Picker p = picker("least_conn", ClusterMember.plain(a), ClusterMember.plain(b), ClusterMember.plain(c));
        Map<MemberState, String> name = Map.of(a, "a", b, "b", c, "c");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            order.append(name.get(p.pick(RequestKey.NONE, TriedMembers.NONE)));
        }
        assertEquals("abcabc", order.toString(), "idle members take turns");
        a.tryStartAttempt(0);
        Map<MemberState, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(p.pick(RequestKey.NONE, TriedMembers.NONE), 1, Integer::sum);
        }
        assertFalse(counts.containsKey(a), "the busy member waits");
        assertTrue(counts.get(b) >= 100 && counts.get(c) >= 100, "the idle ones share: " + counts);
    }

    // ---- load

    /** A member with requests in flight gets no more while others have none: least_conn, random_two, ewma. */
    @ParameterizedTest
    @ValueSource(strings = {"least_conn", "random_two", "ewma"})
    void aBusyMemberGetsNothingWhileOthersAreIdle(String strategy) {
        MemberState busy = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        Picker p = picker(strategy, ClusterMember.plain(busy), ClusterMember.plain(b), ClusterMember.plain(c));
        for (int i = 0; i < 3; i++) {
            busy.tryStartAttempt(0);
        }
        Map<MemberState, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            counts.merge(p.pick(RequestKey.NONE, TriedMembers.NONE), 1, Integer::sum);
        }
        assertFalse(counts.containsKey(busy), strategy + " picked the busy member: " + counts);
        assertTrue(counts.get(b) > 1_000 && counts.get(c) > 1_000, counts.toString());
    }

    /**
     * One member of three answers ten times slower (100 ms against 10 ms), under 16 clients in a closed
     * loop: round robin gives it a third of the requests; least_conn and random_two less than 10 %
     * (it holds its requests longer), ewma less than 2 %.
     */
    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "random_two", "ewma"})
    void aSlowMemberIsGivenLess(String strategy) {
        MemberState slow = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        AtomicLong clock = new AtomicLong(SECOND);
        Picker p = picker(strategy, clock, ClusterMember.plain(b), ClusterMember.plain(slow), ClusterMember.plain(c));
        ClosedLoop load = new ClosedLoop(p, clock, m -> m == slow ? 100 * MS : 10 * MS).start(16);
        load.run(2_000);
        double share = share(load.run(30_000), slow);
        double bound = switch (strategy) {
            case "round_robin" -> 0.34;
            case "ewma" -> 0.02;
            default -> 0.10;
        };
        assertTrue(share < bound, strategy + ": the slow member's share " + share);
        if (strategy.equals("round_robin")) {
            assertTrue(share > 0.32, "round robin ignores latency: " + share);
        }
    }

    /**
     * ewma, under 16 clients: a member that turns slow (500 ms against 10 ms) loses its share within a
     * second; once it is fast again, it is tried again within 30 s (its estimate fades while it is idle)
     * and its fast answers bring it back to nearly a third within a minute (the estimate comes down with
     * a 10 s time constant: peak-EWMA recovers cautiously).
     */
    @Test
    void ewmaShunsAMemberThatTurnsSlowAndTakesItBackWhenItRecovers() {
        MemberState flaky = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        AtomicLong clock = new AtomicLong(SECOND);
        Picker p = picker("ewma", clock, ClusterMember.plain(b), ClusterMember.plain(flaky), ClusterMember.plain(c));
        ClosedLoop load = new ClosedLoop(p, clock, m -> 10 * MS).start(16);
        double before = share(load.runFor(5 * SECOND), flaky);
        assertTrue(Math.abs(before - 1 / 3.0) < 0.02, "all fast: a third each, got " + before);

        load.latency = m -> m == flaky ? 500 * MS : 10 * MS;
        load.runFor(SECOND);
        double slow = share(load.runFor(5 * SECOND), flaky);
        assertTrue(slow < 0.005, "slow: shunned after a second, got " + slow);

        load.latency = m -> 10 * MS;
        double recovering = share(load.runFor(30 * SECOND), flaky);
        load.runFor(15 * SECOND);
        double after = share(load.runFor(15 * SECOND), flaky);
        assertTrue(recovering > 0.02, "fast again: tried again within 30 s, got " + recovering);
        assertTrue(after > 0.25 && after < 0.36, "fast again: nearly a third after 45 s, got " + after);
        load.finish();
    }

    /**
     * ewma, under 16 clients, passive health off: a member that stops answering and lets every request
     * run into a 1 s head timeout (it never gives a whole answer to sample) is shunned within two seconds
     * of its first timeout, as one that answers slowly is: the time a timeout cost is its latency.
     */
    @Test
    void ewmaShunsAMemberThatOnlyTimesOut() {
        MemberState silent = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        for (MemberState m : List.of(silent, b, c)) {
            m.policy(Members.policyWithMaxFails(0));
        }
        AtomicLong clock = new AtomicLong(SECOND);
        Picker p = picker("ewma", clock, ClusterMember.plain(b), ClusterMember.plain(silent), ClusterMember.plain(c));
        ClosedLoop load = new ClosedLoop(p, clock, m -> 10 * MS).start(16);
        load.runFor(5 * SECOND);

        load.latency = m -> m == silent ? SECOND : 10 * MS;
        load.ending = m -> m == silent ? Outcome.Kind.HEAD_TIMEOUT : Outcome.Kind.OK;
        load.runFor(2 * SECOND);
        double share = share(load.runFor(5 * SECOND), silent);
        assertTrue(share < 0.005, "timing out: shunned after two seconds, got " + share);
        load.finish();
    }

    // ---- ip_hash

    @Test
    void ipHashSendsEachClientToOneMemberForAsLongAsTheMembersStayTheSame() {
        ClusterMember[] list = new ClusterMember[5];
        for (int i = 0; i < list.length; i++) {
            list[i] = new ClusterMember(member(i + 1), 1 + i % 2, false);
        }
        Picker p = picker("ip_hash", list);
        Picker rebuilt = picker("ip_hash", list);
        Key key = new Key();
        MemberState[] first = new MemberState[10_000];
        for (int i = 0; i < first.length; i++) {
            first[i] = p.pick(key.next(i), TriedMembers.NONE);
            for (int again = 0; again < 3; again++) {
                assertSame(first[i], p.pick(key.next(i), TriedMembers.NONE), "client " + i + " moved");
            }
            assertSame(first[i], rebuilt.pick(key.next(i), TriedMembers.NONE), "a rebuilt picker moved client " + i);
        }
        MemberState out = list[2].state();
        out.markDown(true);
        int moved = 0;
        for (int i = 0; i < first.length; i++) {
            MemberState now = p.pick(key.next(i), TriedMembers.NONE);
            if (first[i] == out) {
                assertNotSame(out, now);
                moved++;
            } else {
                assertSame(first[i], now, "client " + i + " moved though its member stayed");
            }
        }
        assertTrue(moved > 1_000, "the member down had clients: " + moved);
        out.markDown(false);
        for (int i = 0; i < first.length; i++) {
            assertSame(first[i], p.pick(key.next(i), TriedMembers.NONE), "back up: client " + i + " is home again");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip_hash", "consistent_hash"})
    void aRequestWithoutKeyGoesRoundRobin(String strategy) {
        MemberState a = member(1);
        MemberState b = member(2);
        MemberState c = member(3);
        Picker p = picker(strategy, ClusterMember.plain(a), ClusterMember.plain(b), ClusterMember.plain(c));
        Map<MemberState, String> name = Map.of(a, "a", b, "b", c, "c");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            order.append(name.get(p.pick(RequestKey.NONE, TriedMembers.NONE)));
        }
        assertEquals("abcabc", order.toString());
    }

    // ---- consistent_hash

    private static Map<Long, MemberState> ring(List<ClusterMember> members, int keys) {
        Picker p = picker("consistent_hash", members.toArray(ClusterMember[]::new));
        Map<Long, MemberState> out = new HashMap<>();
        Key key = new Key();
        for (int i = 0; i < keys; i++) {
            out.put((long) i, p.pick(key.next(i), TriedMembers.NONE));
        }
        return out;
    }

    /**
     * Ten members, 100,000 keys: taking any one member out of the list moves 8-12 % of the keys, all of
     * them that member's, none between the nine that stay; listing it again puts every key back.
     */
    @Test
    void consistentHashMovesOnlyTheKeysOfAMemberThatLeaves() {
        List<ClusterMember> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(ClusterMember.plain(member(8000 + i)));
        }
        Map<Long, MemberState> all = ring(ten, 100_000);
        for (int leaving = 0; leaving < 10; leaving++) {
            List<ClusterMember> nine = new ArrayList<>(ten);
            MemberState gone = nine.remove(leaving).state();
            Map<Long, MemberState> after = ring(nine, 100_000);
            int moved = 0;
            for (long k = 0; k < 100_000; k++) {
                if (all.get(k) != after.get(k)) {
                    assertSame(gone, all.get(k), "key " + k + " moved between members that stayed");
                    moved++;
                }
            }
            assertTrue(moved >= 8_000 && moved <= 12_000, "removing member " + leaving + " moved " + moved);
        }
        assertEquals(all, ring(ten, 100_000), "the same members: the same keys");
        List<ClusterMember> shuffled = new ArrayList<>(ten);
        java.util.Collections.reverse(shuffled);
        assertEquals(all, ring(shuffled, 100_000), "the points come from the members, not their order");
    }

    @Test
    void consistentHashWalksPastAMemberDownAsIfItWereNotListed() {
        List<ClusterMember> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(new ClusterMember(member(8000 + i), 1 + i % 3, false));
        }
        List<ClusterMember> nine = new ArrayList<>(ten);
        nine.remove(4);
        Map<Long, MemberState> without = ring(nine, 50_000);
        ten.get(4).state().markDown(true);
        assertEquals(without, ring(ten, 50_000), "down: exactly where its keys go when it is not listed");
        ten.get(4).state().markDown(false);
        List<ClusterMember> marked = new ArrayList<>(ten);
        marked.set(4, new ClusterMember(ten.get(4).state(), 2, false, true));
        assertEquals(without, ring(marked, 50_000), "marked down in the configuration: the same");
        Picker p = picker("consistent_hash", ten.toArray(ClusterMember[]::new));
        Key key = new Key();
        for (long k = 0; k < 2_000; k++) {
            MemberState home = p.pick(key.next(k), TriedMembers.NONE);
            MemberState retry = p.pick(key, m -> m == home);
            assertNotSame(home, retry, "a retry goes elsewhere");
        }
    }

    @Test
    void consistentHashHashesTheClustersKey() {
        MemberState a = member(1);
        MemberState b = member(2);
        HashKey user = new HashKey(HashKey.Kind.HEADER, "X-User");
        Picker p = Strategies.byName("consistent_hash").orElseThrow().newPicker(Members.context(
                Members.policy(user, Duration.ZERO), () -> 0L, ClusterMember.plain(a), ClusterMember.plain(b)));
        List<HashKey> asked = new ArrayList<>();
        p.pick(k -> {
            asked.add(k);
            return 42;
        }, TriedMembers.NONE);
        assertEquals(List.of(user), asked);
    }
}
