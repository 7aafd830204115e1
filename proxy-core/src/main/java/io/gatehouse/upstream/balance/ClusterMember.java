package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;
import java.util.Objects;

/**
 * A member as one generation of one cluster sees it: the live state kept for the cluster across
 * reloads, and this configuration's {@code weight=N}, {@code backup} and {@code down} for it (the same
 * member may carry other ones in another cluster).
 *
 * @param weight its share of the requests against the other members, 1..256
 * @param backup used only when no other member of the cluster is usable
 * @param down   listed but given no requests ({@code down} in the configuration); pickers never choose it
 */
public record ClusterMember(MemberState state, int weight, boolean backup, boolean down) {
    public ClusterMember {
        Objects.requireNonNull(state, "state");
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1..256)");
        }
    }

    /** A member that is not marked {@code down}. */
    public ClusterMember(MemberState state, int weight, boolean backup) {
        this(state, weight, backup, false);
    }

    /** A member with weight 1 that is not a backup. */
    public static ClusterMember plain(MemberState state) {
        return new ClusterMember(state, 1, false, false);
    }
}
