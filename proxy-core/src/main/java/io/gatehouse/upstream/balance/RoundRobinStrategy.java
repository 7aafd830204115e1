package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** {@code round_robin}: each member in turn, skipping members that are down or already tried. */
public final class RoundRobinStrategy implements BalancingStrategy {
    public static final String NAME = "round_robin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(List<MemberState> members) {
        return new RoundRobinPicker(members.toArray(new MemberState[0]));
    }

    private static final class RoundRobinPicker implements Picker {
        private final MemberState[] members;
        private final AtomicLong next = new AtomicLong();

        RoundRobinPicker(MemberState[] members) {
            this.members = members;
        }

        @Override
        public MemberState pick(RequestKey key, TriedMembers tried) {
            int n = members.length;
            int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
            MemberState fallback = null;
            for (int i = 0; i < n; i++) {
                MemberState m = members[(start + i) % n];
                if (tried.contains(m)) {
                    continue;
                }
                if (m.isUsable()) {
                    return m;
                }
                if (fallback == null) {
                    fallback = m;
                }
            }
            // Every untried member is marked down: try one anyway rather than fail without trying
            // (nginx does the same when all servers of an upstream are unavailable).
            return fallback;
        }
    }
}
