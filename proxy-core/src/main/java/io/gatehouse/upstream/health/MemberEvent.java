package io.gatehouse.upstream.health;

import io.gatehouse.upstream.MemberKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One change of a member's state in one cluster: {@code member 10.0.0.3:5000 of @api down: 3 checks
 * failed (connect() refused)}. Each change is one event to the {@link MemberListener}s and one line on
 * the logger {@value MemberEvents#LOGGER}.
 *
 * @param cluster the cluster's name (without the {@code @}; a route's {@code http://} target's cluster
 *                is named by its URL)
 * @param member  the member
 * @param from    its state before
 * @param to      its state now
 * @param reason  why, in an operator's words ({@code 3 checks failed (connect() refused)}); empty when
 *                the state says it all ({@code draining})
 * @param at      when (wall clock)
 */
public record MemberEvent(String cluster, MemberKey member, MemberStatus from, MemberStatus to, String reason,
                          Instant at) {
    public MemberEvent {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    /** The log line: {@code member 10.0.0.3:5000 of @api down: 3 checks failed (connect() refused)}. */
    public String line() {
        String head = "member " + member.address() + " of " + clusterLabel(cluster) + " " + to.word();
        return reason.isEmpty() ? head : head + ": " + reason;
    }

    /** {@code @api} for a {@code [@api]} cluster; a route's URL target's cluster as its URL. */
    public static String clusterLabel(String cluster) {
        return cluster.contains("://") ? cluster : "@" + cluster;
    }

    @Override
    public String toString() {
        return line();
    }
}
