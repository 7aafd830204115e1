package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The power of two random choices, shared by {@code random_two} and {@code ewma}: two members drawn at
 * random in proportion to their weights (two different ones when the cluster has them), and the one with
 * the lower cost takes the request; a tie goes to the first drawn. {@code random_two}'s cost is the
 * requests in flight over the weight; {@code ewma}'s is the latency estimate (at least 1 ns, so that
 * in-flight requests always count) times (in flight + 1) over the weight.
 *
 * <p>A draw that lands on a member that is unusable, already tried or (under {@code slow_start}, with
 * probability 1 - its share) ramping up is drawn again, a few times; when that keeps failing (most of
 * the cluster is down), the member of lowest cost among all that can take the request is chosen by a
 * scan instead, so a usable member is always found if there is one. Backups only when no primary can
 * take the request. No lock, no allocation: a draw is one random long (Walker's alias method).
 */
final class TwoChoicesPicker implements Picker {
    /** Draws of one candidate before falling back to a scan. */
    private static final int DRAWS = 8;
    /**
     * The least latency a cost counts (1 ns), so that in-flight requests still weigh when no member has
     * an estimate yet or one has faded to nothing.
     */
    private static final double MIN_LATENCY = 1;

    private final Group primary;
    private final Group backup;
    private final RandomGenerator random;
    private final LongSupplier clock;
    private final boolean slowStart;
    private final boolean latency;
    private final Ramp ramp;

    /**
     * @param latency true for {@code ewma}: cost by latency estimate × (in flight + 1) / weight; false
     *                for {@code random_two}: in flight / weight
     */
    TwoChoicesPicker(PickerContext context, boolean latency, Ramp ramp) {
        this.primary = new Group(MemberGroups.primaries(context, false));
        this.backup = new Group(MemberGroups.backups(context, false));
        this.random = context.random();
        this.clock = context.nanoClock();
        this.slowStart = MemberGroups.slowStart(context);
        this.latency = latency;
        this.ramp = ramp;
    }

    private static final class Group {
        final MemberState[] members;
        final double[] weights;
        final WeightedSampler sampler;

        Group(List<ClusterMember> list) {
            members = MemberGroups.states(list);
            weights = MemberGroups.weights(list);
            sampler = new WeightedSampler(weights);
        }
    }

    @Override
    public MemberState pick(RequestKey key, TriedMembers tried) {
        long now = latency || slowStart ? clock.getAsLong() : 0;
        MemberState m = choose(primary, tried, now);
        return m != null ? m : choose(backup, tried, now);
    }

    private MemberState choose(Group g, TriedMembers tried, long now) {
        int n = g.members.length;
        if (n == 0) {
            return null;
        }
        int a = draw(g, tried, now, -1);
        if (a < 0) {
            return cheapest(g, tried, now);
        }
        int b;
        if (n == 2) {
            // Two members: the other one is the second choice, if it can take the request.
            b = MemberGroups.available(g.members[1 - a], tried) ? 1 - a : -1;
        } else {
            b = n == 1 ? -1 : draw(g, tried, now, a);
            if (b < 0 && n > 1) {
                b = another(g, tried, a);
            }
        }
        if (b < 0) {
            return g.members[a];
        }
        double costA;
        double costB;
        if (latency) {
            double latencyA = g.members[a].latencyNanos(now);
            double latencyB = g.members[b].latencyNanos(now);
            if (latencyA < 0 || latencyB < 0) {
                double unseen = smallestEstimate(g, now);
                latencyA = latencyA < 0 ? unseen : latencyA;
                latencyB = latencyB < 0 ? unseen : latencyB;
            }
            latencyA = Math.max(MIN_LATENCY, latencyA);
            latencyB = Math.max(MIN_LATENCY, latencyB);
            costA = latencyA * (g.members[a].active() + 1) / weight(g, a, now);
            costB = latencyB * (g.members[b].active() + 1) / weight(g, b, now);
        } else {
            costA = g.members[a].active() / weight(g, a, now);
            costB = g.members[b].active() / weight(g, b, now);
        }
        return costB < costA ? g.members[b] : g.members[a];
    }

    /** A weighted random member that can take the request and is not {@code other}, or -1 after {@link #DRAWS} misses. */
    private int draw(Group g, TriedMembers tried, long now, int other) {
        for (int t = 0; t < DRAWS; t++) {
            int i = g.sampler.draw(random.nextLong());
            if (i == other || !MemberGroups.available(g.members[i], tried)) {
                continue;
            }
            if (slowStart) {
                double share = ramp.share(g.members[i], now);
                if (share < 1 && random.nextDouble() >= share) {
                    continue;
                }
            }
            return i;
        }
        return -1;
    }

    /** The first member from a random place on that can take the request and is not {@code other}, or -1. */
    private int another(Group g, TriedMembers tried, int other) {
        int n = g.members.length;
        int start = (int) (((random.nextLong() >>> 32) * n) >>> 32);
        for (int i = 0; i < n; i++) {
            int k = start + i;
            int j = k < n ? k : k - n;
            if (j != other && MemberGroups.available(g.members[j], tried)) {
                return j;
            }
        }
        return -1;
    }

    /** The member of lowest cost among all that can take the request (from a random place on, for ties), or null. */
    private MemberState cheapest(Group g, TriedMembers tried, long now) {
        int n = g.members.length;
        double unseen = latency ? smallestEstimate(g, now) : 0;
        int start = (int) (((random.nextLong() >>> 32) * n) >>> 32);
        int best = -1;
        double bestCost = 0;
        for (int i = 0; i < n; i++) {
            int k = start + i;
            int j = k < n ? k : k - n;
            MemberState m = g.members[j];
            if (!MemberGroups.available(m, tried)) {
                continue;
            }
            double cost;
            if (latency) {
                double estimate = m.latencyNanos(now);
                cost = Math.max(MIN_LATENCY, estimate < 0 ? unseen : estimate) * (m.active() + 1) / weight(g, j, now);
            } else {
                cost = m.active() / weight(g, j, now);
            }
            if (best < 0 || cost < bestCost) {
                best = j;
                bestCost = cost;
            }
        }
        return best < 0 ? null : g.members[best];
    }

    /** The member's weight times its slow-start share. */
    private double weight(Group g, int i, long now) {
        double w = g.weights[i];
        return slowStart ? w * ramp.share(g.members[i], now) : w;
    }

    /**
     * What a member with no latency sample yet is taken to have: the smallest estimate of the group (0
     * when none has one), so that a new member is tried rather than shunned.
     */
    private static double smallestEstimate(Group g, long now) {
        double least = -1;
        for (MemberState m : g.members) {
            double e = m.latencyNanos(now);
            if (e >= 0 && (least < 0 || e < least)) {
                least = e;
            }
        }
        return least < 0 ? 0 : least;
    }
}
