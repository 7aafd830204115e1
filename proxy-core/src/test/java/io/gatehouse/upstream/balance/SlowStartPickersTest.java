package io.gatehouse.upstream.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.Members;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow start in the strategies that honour it: a member ramping up with share f gets about f of what it
 * would get, its share grows with f, it still takes a request when no other member can, and without
 * {@code slow_start} configured the ramp is not even read.
 */
class SlowStartPickersTest {
    private static final MemberPolicy SLOW_START = Members.policy(HashKey.URI_KEY, Duration.ofSeconds(30));

    private static Picker picker(String strategy, MemberPolicy policy, Ramp ramp, ClusterMember... members) {
        PickerContext context = Members.context(policy, () -> 5_000_000_000L, members);
        return switch (strategy) {
            case RoundRobinStrategy.NAME -> RoundRobinStrategy.newPicker(context, ramp);
            case LeastConnStrategy.NAME -> LeastConnStrategy.newPicker(context, ramp);
            case RandomTwoStrategy.NAME -> RandomTwoStrategy.newPicker(context, ramp);
            case EwmaStrategy.NAME -> EwmaStrategy.newPicker(context, ramp);
            default -> throw new IllegalArgumentException(strategy);
        };
    }

    /** The share of 30,000 picks (one at a time) that goes to the first of three equal members when its ramp says {@code f}. */
    private static double rampingShare(String strategy, MemberPolicy policy, double f) {
        MemberState ramping = Members.state(1);
        Ramp ramp = (m, now) -> m == ramping ? f : 1.0;
        Picker p = picker(strategy, policy, ramp, ClusterMember.plain(ramping), ClusterMember.plain(Members.state(2)),
                ClusterMember.plain(Members.state(3)));
        int n = 0;
        for (int i = 0; i < 30_000; i++) {
            n += p.pick(RequestKey.NONE, TriedMembers.NONE) == ramping ? 1 : 0;
        }
        return n / 30_000.0;
    }

    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "random_two"})
    void aRampingMemberGetsItsShareOfItsTurns(String strategy) {
        double full = rampingShare(strategy, SLOW_START, 1.0);
        double fifth = rampingShare(strategy, SLOW_START, 0.2);
        double half = rampingShare(strategy, SLOW_START, 0.5);
        assertEquals(1 / 3.0, full, 0.02, "full weight: a third");
        assertTrue(fifth < half && half < full, "share grows with the ramp: " + fifth + " " + half + " " + full);
        // As if its weight were f against 1 and 1: round robin and least_conn take its turns with
        // probability f (the others' turns come round sooner), random_two draws it with f of its weight.
        assertEquals(0.2 / 2.2, fifth, 0.01, strategy + " at f = 0.2");
        assertEquals(0.5 / 2.5, half, 0.01, strategy + " at f = 0.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "random_two", "ewma"})
    void withoutSlowStartConfiguredTheRampIsNotRead(String strategy) {
        Ramp unread = (m, now) -> {
            throw new AssertionError("ramp read without slow_start");
        };
        Picker p = picker(strategy, MemberPolicy.DEFAULTS, unread, ClusterMember.plain(Members.state(1)),
                ClusterMember.plain(Members.state(2)));
        for (int i = 0; i < 100; i++) {
            p.pick(RequestKey.NONE, TriedMembers.NONE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"round_robin", "least_conn", "random_two", "ewma"})
    void aRampingMemberServesWhenNoOtherMemberCan(String strategy) {
        MemberState ramping = Members.state(1);
        MemberState other = Members.state(2);
        Picker p = picker(strategy, SLOW_START, (m, now) -> 0.05, ClusterMember.plain(ramping),
                ClusterMember.plain(other));
        other.markDown(true);
        for (int i = 0; i < 200; i++) {
            assertSame(ramping, p.pick(RequestKey.NONE, TriedMembers.NONE));
        }
    }

    /** ewma divides the cost by the ramp: with equal estimates and no load, a ramping member is chosen less. */
    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5})
    void ewmaCostsARampingMemberMore(double f) {
        assertTrue(rampingShare("ewma", SLOW_START, f) < rampingShare("ewma", SLOW_START, 1.0) - 0.1);
    }
}
