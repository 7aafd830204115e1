package io.gatehouse.upstream.balance;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.upstream.MemberState;
import java.util.List;

/**
 * {@code ip_hash}: each client address to one member, the same one for as long as the members and their
 * health stay the same, as nginx's {@code ip_hash} and HAProxy's {@code balance source}. The whole
 * address is hashed (IPv4 and IPv6 alike; nginx hashes only the first three bytes of an IPv4 address, so
 * that a /24 shares a member, which spreads clients behind few networks badly).
 *
 * <p>The hash selects one slot of a table in which each member holds {@code weight} slots. When the
 * slot's member cannot take the request (unusable, marked {@code down}, or already tried by this
 * request), the hash is mixed again and another slot tried, up to 20 times, then the members are
 * scanned in order from where the hash points: only that member's clients move, to members chosen as
 * evenly. {@code down} members keep their slots, so marking one down moves no other client, as in nginx.
 * A request with no client address goes round robin. {@code backup} members have their own table,
 * used only when no other member can take the request. {@code slow_start} does not apply (keys stay put).
 */
public final class IpHashStrategy implements BalancingStrategy {
    public static final String NAME = "ip_hash";
    /** What is hashed: the client's address. */
    static final HashKey CLIENT = new HashKey(HashKey.Kind.CLIENT, "");
    /** Slots tried by rehashing before the members are scanned. */
    private static final int REHASHES = 20;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(PickerContext context) {
        return new HashedPicker(new Table(MemberGroups.primaries(context, true)),
                new Table(MemberGroups.backups(context, true)), CLIENT, RoundRobinStrategy.picker(context, false, Ramp.MEMBERS));
    }

    /** Primaries or backups, {@code down} ones included, and the slots they hold. */
    private static final class Table implements HashedPicker.Group {
        final MemberState[] members;
        final boolean[] down;
        final int[] slots;

        Table(List<ClusterMember> list) {
            members = MemberGroups.states(list);
            down = MemberGroups.downFlags(list);
            // The smooth order interleaves the members' slots; any fixed layout would do, the hash is mixed.
            slots = MemberGroups.smoothOrder(list);
        }

        @Override
        public MemberState pick(long hash, TriedMembers tried) {
            int n = members.length;
            if (n == 0) {
                return null;
            }
            long h = hash;
            for (int t = 0; t < REHASHES; t++) {
                int i = slots[Math.floorMod(h, slots.length)];
                if (!down[i] && MemberGroups.available(members[i], tried)) {
                    return members[i];
                }
                h = Hashing.mix(h + Hashing.GOLDEN);
            }
            int start = Math.floorMod(h, n);
            for (int k = 0; k < n; k++) {
                int i = start + k < n ? start + k : start + k - n;
                if (!down[i] && MemberGroups.available(members[i], tried)) {
                    return members[i];
                }
            }
            return null;
        }
    }
}
