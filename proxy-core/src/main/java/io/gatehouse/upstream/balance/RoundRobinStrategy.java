package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code round_robin}: each member in turn, in proportion to its {@code weight}, skipping members
 * that are down or already tried; {@code backup} members only when no other member is usable, and
 * none when every member is down (the cluster answers 503 at once). As in
 * nginx, weights are spread smoothly: with weights 5, 1, 1 the order is a a b a c a a, never five a's
 * in a row.
 *
 * <p>The order is worked out once, when the picker is built (nginx's smooth weighted round robin,
 * run for one full cycle of the summed weights), so picking is one atomic increment and a walk along
 * a fixed array: no lock, no allocation, the same on every IO thread.
 */
public final class RoundRobinStrategy implements BalancingStrategy {
    public static final String NAME = "round_robin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(PickerContext context) {
        List<ClusterMember> primary = new ArrayList<>();
        List<ClusterMember> backup = new ArrayList<>();
        for (ClusterMember m : context.members()) {
            (m.backup() ? backup : primary).add(m);
        }
        return new RoundRobinPicker(smoothOrder(primary), smoothOrder(backup));
    }

    /** One cycle of nginx's smooth weighted round robin over {@code members}: sum(weights) picks. */
    static MemberState[] smoothOrder(List<ClusterMember> members) {
        int n = members.size();
        int total = 0;
        for (ClusterMember m : members) {
            total += m.weight();
        }
        MemberState[] order = new MemberState[total];
        int[] current = new int[n];
        for (int k = 0; k < total; k++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += members.get(i).weight();
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[k] = members.get(best).state();
        }
        return order;
    }

    private static final class RoundRobinPicker implements Picker {
        private final MemberState[] primary;
        private final MemberState[] backup;
        private final AtomicLong next = new AtomicLong();
        private final AtomicLong nextBackup = new AtomicLong();

        RoundRobinPicker(MemberState[] primary, MemberState[] backup) {
            this.primary = primary;
            this.backup = backup;
        }

        @Override
        public MemberState pick(RequestKey key, TriedMembers tried) {
            MemberState m = usable(primary, next, tried);
            if (m == null) {
                m = usable(backup, nextBackup, tried);
            }
            // Null when every untried member is down: the pool is dead and answers 503 at once.
            return m;
        }

        private static MemberState usable(MemberState[] order, AtomicLong counter, TriedMembers tried) {
            int n = order.length;
            if (n == 0) {
                return null;
            }
            int start = (int) Math.floorMod(counter.getAndIncrement(), (long) n);
            for (int i = 0; i < n; i++) {
                MemberState m = order[(start + i) % n];
                if (m.isUsable() && !tried.contains(m)) {
                    return m;
                }
            }
            return null;
        }
    }
}
