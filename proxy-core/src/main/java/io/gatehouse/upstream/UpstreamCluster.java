package io.gatehouse.upstream;

import io.gatehouse.upstream.balance.BalancingStrategy;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import java.util.List;
import java.util.Objects;

/**
 * A cluster as one generation of the configuration sees it: its name, its members (shared state from
 * {@link UpstreamRegistry}) and the picker the strategy built over them.
 */
public final class UpstreamCluster {
    private final String name;
    private final List<MemberState> members;
    private final Picker picker;

    public UpstreamCluster(String name, List<ClusterMember> members, BalancingStrategy strategy) {
        this.name = Objects.requireNonNull(name, "name");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("cluster " + name + " has no members");
        }
        this.members = members.stream().map(ClusterMember::state).toList();
        this.picker = strategy.newPicker(List.copyOf(members));
    }

    public String name() {
        return name;
    }

    public List<MemberState> members() {
        return members;
    }

    Picker picker() {
        return picker;
    }
}
