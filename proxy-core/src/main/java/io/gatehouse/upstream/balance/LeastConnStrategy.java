package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * {@code least_conn}: the member with the fewest requests in flight relative to its {@code weight}, as
 * nginx's {@code least_conn} and HAProxy's {@code balance leastconn}. Members that tie (an idle cluster
 * ties at zero) are taken in smooth weighted round-robin turn, not in list order, so that an idle or
 * lightly loaded cluster still spreads requests by weight instead of sending them all to the first
 * member. {@code backup} members only when no other member is usable; {@code down} ones never.
 *
 * <p>Each pick reads every member's in-flight count (one volatile read each) to find the least load,
 * then takes turns along a fixed smooth weighted order to choose among the members at that load: no
 * lock, no allocation. Under {@code slow_start} a ramping member's weight is multiplied by its share f,
 * and its turn is taken only with probability f, so that it gets less than its share even while every
 * member is idle.
 */
public final class LeastConnStrategy implements BalancingStrategy {
    public static final String NAME = "least_conn";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(PickerContext context) {
        return newPicker(context, Ramp.MEMBERS);
    }

    /** The picker, reading slow-start shares from {@code ramp}. */
    static Picker newPicker(PickerContext context, Ramp ramp) {
        return new LeastConnPicker(new Group(MemberGroups.primaries(context, false)),
                new Group(MemberGroups.backups(context, false)), context.random(), context.nanoClock(),
                MemberGroups.slowStart(context), ramp);
    }

    /** Primaries or backups: their states and weights, and the smooth weighted order that breaks ties. */
    private static final class Group {
        final MemberState[] members;
        final double[] weights;
        final int[] turns;
        final AtomicLong next = new AtomicLong();

        Group(List<ClusterMember> list) {
            members = MemberGroups.states(list);
            weights = MemberGroups.weights(list);
            turns = MemberGroups.smoothOrder(list);
        }
    }

    private static final class LeastConnPicker implements Picker {
        private final Group primary;
        private final Group backup;
        private final RandomGenerator random;
        private final LongSupplier clock;
        private final boolean slowStart;
        private final Ramp ramp;

        LeastConnPicker(Group primary, Group backup, RandomGenerator random, LongSupplier clock, boolean slowStart,
                        Ramp ramp) {
            this.primary = primary;
            this.backup = backup;
            this.random = random;
            this.clock = clock;
            this.slowStart = slowStart;
            this.ramp = ramp;
        }

        @Override
        public MemberState pick(RequestKey key, TriedMembers tried) {
            long now = slowStart ? clock.getAsLong() : 0;
            MemberState m = least(primary, tried, now);
            return m != null ? m : least(backup, tried, now);
        }

        /**
         * Two passes: the least load (in flight over weight) among the members that can take the
         * request; then the next member in the weighted turns whose load is no more than that. Turns
         * that fall on busier members are used up, so the members that tie share the requests by weight,
         * as in nginx's weighted round robin among its least loaded peers, and the member after a busy
         * one does not inherit its turns. Past a short walk (2n + 8 turns), the least loaded member found
         * first takes the request.
         */
        private MemberState least(Group g, TriedMembers tried, long now) {
            MemberState[] members = g.members;
            int n = members.length;
            if (n == 0) {
                return null;
            }
            int[] turns = g.turns;
            int best = -1;
            double leastActive = 0;
            double leastWeight = 1;
            int start = turns[(int) Math.floorMod(g.next.get(), (long) turns.length)];
            for (int i = 0; i < n; i++) {
                int k = start + i;
                int j = k < n ? k : k - n;
                MemberState m = members[j];
                if (!MemberGroups.available(m, tried)) {
                    continue;
                }
                double weight = slowStart ? g.weights[j] * ramp.share(m, now) : g.weights[j];
                double active = m.active();
                // active / weight < leastActive / leastWeight, without dividing.
                if (best < 0 || active * leastWeight < leastActive * weight) {
                    best = j;
                    leastActive = active;
                    leastWeight = weight;
                }
            }
            if (best < 0) {
                return null;
            }
            // The next turn whose member is at the least load; the turns walked past are used up, so
            // that they go to the members after it in turn, not all to the first one.
            long turn = g.next.getAndIncrement();
            int walk = Math.min(turns.length, 2 * n + 8);
            for (int t = 0; t < walk; t++) {
                int j = turns[(int) Math.floorMod(turn + t, (long) turns.length)];
                MemberState m = members[j];
                if (!MemberGroups.available(m, tried)) {
                    continue;
                }
                double share = slowStart ? ramp.share(m, now) : 1;
                if (m.active() * leastWeight <= leastActive * g.weights[j] * share
                        && (share >= 1 || random.nextDouble() < share)) {
                    if (t > 0) {
                        g.next.getAndAdd(t);
                    }
                    return m;
                }
            }
            return members[best];
        }
    }
}
