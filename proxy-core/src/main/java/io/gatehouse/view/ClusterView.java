package io.gatehouse.view;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One cluster in a {@link PoolSnapshot}.
 *
 * @param name     its name without the {@code @} (a route's URL target's cluster: the URL)
 * @param strategy its balancing strategy ({@code round_robin}, ...)
 * @param members  its members in the order listed
 */
public record ClusterView(String name, String strategy, List<MemberView> members) {
    public ClusterView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        members = List.copyOf(members);
    }

    /** The member at {@code address} ({@code host:port} as written), if listed. */
    public Optional<MemberView> member(String address) {
        return members.stream().filter(m -> m.address().equals(address)).findFirst();
    }
}
