package io.gatehouse.upstream.balance;

import java.util.List;

/**
 * How a cluster chooses a member for a request. Stateless and shared; chosen by name in
 * {@link Strategies}. A new strategy is one class and one line there.
 */
public interface BalancingStrategy {
    /** The configuration name, e.g. {@code round_robin}. */
    String name();

    /** Builds an immutable picker over the members; rebuilt when membership or weights change. */
    Picker newPicker(List<ClusterMember> members);
}
