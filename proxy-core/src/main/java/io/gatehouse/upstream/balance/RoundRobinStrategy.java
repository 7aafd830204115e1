package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * {@code round_robin}: each member in turn, in proportion to its {@code weight}, skipping members
 * that are down or already tried; {@code backup} members only when no other member is usable. As in
 * nginx, weights are spread smoothly: with weights 5, 1, 1 the order is a a b a c a a, never five a's
 * in a row. A cluster with no usable member gets no member (the request is answered 503 at once).
 *
 * <p>The order is worked out once, when the picker is built (nginx's smooth weighted round robin,
 * run for one full cycle of the summed weights), so picking is one atomic increment and a walk along
 * a fixed array: no lock, no allocation, the same on every IO thread.
 *
 * <p>Turns that fall on members that cannot take the request are used up, so that the turns of a
 * member that is down are spread over the others by weight, not all given to the member after it.
 *
 * <p>Under {@code slow_start}, a member ramping up with share f (its {@link MemberState#weightFactor})
 * is passed over with probability 1 - f each time its turn comes, as if its weight were f times its
 * own; it still takes a request when no other member can.
 */
public final class RoundRobinStrategy implements BalancingStrategy {
    public static final String NAME = "round_robin";

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
        return picker(context, MemberGroups.slowStart(context), ramp);
    }

    /** A round robin over the context's members that are not {@code down}; {@code slowStart}: honour ramps. */
    static Picker picker(PickerContext context, boolean slowStart, Ramp ramp) {
        return new RoundRobinPicker(smoothOrder(MemberGroups.primaries(context, false)),
                smoothOrder(MemberGroups.backups(context, false)), context.random(), context.nanoClock(), slowStart,
                ramp);
    }

    /** One cycle of nginx's smooth weighted round robin over {@code members}. */
    static MemberState[] smoothOrder(List<ClusterMember> members) {
        int[] order = MemberGroups.smoothOrder(members);
        MemberState[] out = new MemberState[order.length];
        for (int k = 0; k < order.length; k++) {
            out[k] = members.get(order[k]).state();
        }
        return out;
    }

    private static final class RoundRobinPicker implements Picker {
        private final MemberState[] primary;
        private final MemberState[] backup;
        private final AtomicLong next = new AtomicLong();
        private final AtomicLong nextBackup = new AtomicLong();
        private final RandomGenerator random;
        private final LongSupplier clock;
        private final boolean slowStart;
        private final Ramp ramp;

        RoundRobinPicker(MemberState[] primary, MemberState[] backup, RandomGenerator random, LongSupplier clock,
                         boolean slowStart, Ramp ramp) {
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
            MemberState m = usable(primary, next, tried, now);
            return m != null ? m : usable(backup, nextBackup, tried, now);
        }

        /**
         * The member whose turn it is, or the next one that can take the request. Turns walked past are
         * used up, so that the turns of a member that is down go to all the others in turn, not all to
         * the member after it.
         */
        private MemberState usable(MemberState[] order, AtomicLong counter, TriedMembers tried, long now) {
            int n = order.length;
            if (n == 0) {
                return null;
            }
            int start = (int) Math.floorMod(counter.getAndIncrement(), (long) n);
            MemberState passedOver = null;
            for (int i = 0; i < n; i++) {
                int k = start + i;
                MemberState m = order[k < n ? k : k - n];
                if (!MemberGroups.available(m, tried)) {
                    continue;
                }
                if (slowStart) {
                    double share = ramp.share(m, now);
                    if (share < 1 && random.nextDouble() >= share) {
                        if (passedOver == null) {
                            passedOver = m;
                        }
                        continue;
                    }
                }
                if (i > 0) {
                    counter.getAndAdd(i);
                }
                return m;
            }
            return passedOver;
        }
    }
}
