package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.ArrayList;
import java.util.List;

/**
 * What every picker does the same way: split the members into the primaries and the backups (backups
 * serve only when no primary is usable), leave out those marked {@code down} where a strategy has no use
 * for them, and tell whether a member can take this request.
 */
final class MemberGroups {
    private MemberGroups() {
    }

    /** The members that are not backups, in the order listed; without {@code down} ones unless {@code withDown}. */
    static List<ClusterMember> primaries(PickerContext context, boolean withDown) {
        return select(context, false, withDown);
    }

    /** The backup members, in the order listed; without {@code down} ones unless {@code withDown}. */
    static List<ClusterMember> backups(PickerContext context, boolean withDown) {
        return select(context, true, withDown);
    }

    private static List<ClusterMember> select(PickerContext context, boolean backup, boolean withDown) {
        List<ClusterMember> out = new ArrayList<>();
        for (ClusterMember m : context.members()) {
            if (m.backup() == backup && (withDown || !m.down())) {
                out.add(m);
            }
        }
        return out;
    }

    /** Whether {@code slow_start} is set for the cluster: only then do pickers read the clock and the members' ramps. */
    static boolean slowStart(PickerContext context) {
        return !context.spec().policy().slowStart().isZero();
    }

    /** Usable now (health, ejection, draining) and not tried yet by this request. */
    static boolean available(MemberState m, TriedMembers tried) {
        return m.isUsable() && !tried.contains(m);
    }

    static MemberState[] states(List<ClusterMember> members) {
        MemberState[] out = new MemberState[members.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = members.get(i).state();
        }
        return out;
    }

    /** Which of {@code members} are marked {@code down} in the configuration, by index. */
    static boolean[] downFlags(List<ClusterMember> members) {
        boolean[] out = new boolean[members.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = members.get(i).down();
        }
        return out;
    }

    static double[] weights(List<ClusterMember> members) {
        double[] out = new double[members.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = members.get(i).weight();
        }
        return out;
    }

    /**
     * One cycle of nginx's smooth weighted round robin over {@code members}, as indexes into the list:
     * with weights 5, 1, 1 the order is a a b a c a a. Weights are divided by their greatest common
     * divisor first, so that equal weights make a cycle as short as the list.
     */
    static int[] smoothOrder(List<ClusterMember> members) {
        int n = members.size();
        int gcd = 0;
        for (ClusterMember m : members) {
            gcd = gcd(gcd, m.weight());
        }
        int[] weight = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = members.get(i).weight() / gcd;
            total += weight[i];
        }
        int[] order = new int[total];
        int[] current = new int[n];
        for (int k = 0; k < total; k++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weight[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[k] = best;
        }
        return order;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
