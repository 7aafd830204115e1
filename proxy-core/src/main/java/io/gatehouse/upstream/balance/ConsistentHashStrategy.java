package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.Arrays;
import java.util.List;

/**
 * {@code consistent_hash}: requests with the same key ({@code hash_key}: the client address, the path,
 * the URI, a header or a cookie) go to the same member, and when a member leaves only its own keys move,
 * as nginx's {@code hash ... consistent} and HAProxy's {@code hash-type consistent}: removing one of N
 * members moves about 1/N of the keys, and no key moves between the members that stay.
 *
 * <p>Each member holds 160 points per unit of {@code weight} on a ring of 64-bit positions (ketama's
 * number). The points are derived from the member's identity (its address as written, with scheme),
 * not from its place in the list, so the same member lands on the same points in every configuration
 * that lists it. A key goes to the first point at or after its hash, clockwise; a member that cannot
 * take the request (unusable, marked {@code down}, or already tried) is walked past to the next point's
 * member, which is exactly where the key would go if the member were not listed. {@code down} members
 * keep their points, so marking one down moves only its keys. {@code backup} members have their own
 * ring, used only when no other member can take the request. {@code slow_start} does not apply.
 *
 * <p>A request without the key (no such header or cookie, or an empty one) goes round robin over the
 * usable members, as HAProxy does and as nginx does for an empty key. Picking is a binary search over a
 * sorted {@code long[]}: no lock, no allocation. Above {@value #MAX_POINTS} points in all (more than
 * 6,553 units of weight), each unit of weight gets fewer points.
 */
public final class ConsistentHashStrategy implements BalancingStrategy {
    public static final String NAME = "consistent_hash";
    /** Points per unit of weight, as ketama and nginx. */
    static final int POINTS_PER_WEIGHT = 160;
    /** The most points a ring holds (8 MiB of positions and 4 MiB of owners). */
    static final int MAX_POINTS = 1 << 20;
    /** Points walked past before checking whether any member can take the request at all. */
    private static final int WALK_BEFORE_CHECK = 64;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(PickerContext context) {
        return new HashedPicker(new Ring(MemberGroups.primaries(context, true)),
                new Ring(MemberGroups.backups(context, true)), context.spec().policy().hashKey(),
                RoundRobinStrategy.picker(context, false, Ramp.MEMBERS));
    }

    /** A ring over primaries or backups, {@code down} ones included. */
    static final class Ring implements HashedPicker.Group {
        final MemberState[] members;
        final boolean[] down;
        /** Point positions, ascending (signed order), distinct. */
        final long[] points;
        /** The member (index into {@link #members}) each point belongs to. */
        final int[] owners;

        Ring(List<ClusterMember> list) {
            int n = list.size();
            members = MemberGroups.states(list);
            down = MemberGroups.downFlags(list);
            String[] ids = new String[n];
            long[] seeds = new long[n];
            long totalWeight = 0;
            for (int i = 0; i < n; i++) {
                ids[i] = members[i].key().toString();
                seeds[i] = Hashing.of(ids[i]);
                totalWeight += list.get(i).weight();
            }
            int perWeight = (int) Math.max(1, Math.min(POINTS_PER_WEIGHT, MAX_POINTS / Math.max(1, totalWeight)));
            int[] counts = new int[n];
            int total = 0;
            for (int i = 0; i < n; i++) {
                counts[i] = perWeight * list.get(i).weight();
                total += counts[i];
            }
            long[] all = new long[total];
            int at = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < counts[i]; j++) {
                    all[at++] = Hashing.sequence(seeds[i], j);
                }
            }
            Arrays.sort(all);
            int distinct = 0;
            for (int k = 0; k < total; k++) {
                if (k == 0 || all[k] != all[k - 1]) {
                    all[distinct++] = all[k];
                }
            }
            points = Arrays.copyOf(all, distinct);
            owners = new int[distinct];
            Arrays.fill(owners, -1);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < counts[i]; j++) {
                    int k = Arrays.binarySearch(points, Hashing.sequence(seeds[i], j));
                    // Two members on one position: the one with the smaller identity holds it, in every
                    // configuration alike.
                    if (owners[k] < 0 || ids[i].compareTo(ids[owners[k]]) < 0) {
                        owners[k] = i;
                    }
                }
            }
        }

        /** Index of the first point at or after {@code hash}, clockwise (0 past the last). */
        int first(long hash) {
            int lo = 0;
            int hi = points.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (points[mid] < hash) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo == points.length ? 0 : lo;
        }

        @Override
        public MemberState pick(long hash, TriedMembers tried) {
            int size = points.length;
            if (size == 0) {
                return null;
            }
            int p = first(hash);
            for (int s = 0; s < size; s++) {
                int i = owners[p];
                if (!down[i] && MemberGroups.available(members[i], tried)) {
                    return members[i];
                }
                if (s == WALK_BEFORE_CHECK && !anyAvailable(tried)) {
                    return null;
                }
                p = p + 1 == size ? 0 : p + 1;
            }
            return null;
        }

        private boolean anyAvailable(TriedMembers tried) {
            for (int i = 0; i < members.length; i++) {
                if (!down[i] && MemberGroups.available(members[i], tried)) {
                    return true;
                }
            }
            return false;
        }
    }
}
