package io.gatehouse.upstream;

import io.gatehouse.upstream.balance.BalancingStrategy;
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

    public UpstreamCluster(String name, List<MemberState> members, BalancingStrategy strategy) {
        this.name = Objects.requireNonNull(name, "name");
        this.members = List.copyOf(members);
        if (this.members.isEmpty()) {
            throw new IllegalArgumentException("cluster " + name + " has no members");
        }
        this.picker = strategy.newPicker(this.members);
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
