package io.gatehouse.upstream;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.upstream.balance.BalancingStrategy;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.PickerContext;
import java.util.List;

/**
 * A cluster as one generation of the configuration sees it: its section, its members (each with
 * this generation's weight and backup, over the live state kept in {@link UpstreamRegistry}) and the
 * picker the strategy built over them.
 */
public final class UpstreamCluster {
    private final ClusterSpec spec;
    private final List<ClusterMember> members;
    private final List<MemberState> states;
    private final Picker picker;

    public UpstreamCluster(PickerContext context, BalancingStrategy strategy) {
        this.spec = context.spec();
        this.members = context.members();
        this.states = members.stream().map(ClusterMember::state).toList();
        this.picker = strategy.newPicker(context);
    }

    public String name() {
        return spec.name();
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** The members with this generation's weight and backup. */
    public List<ClusterMember> clusterMembers() {
        return members;
    }

    /** The members' live states, in the order listed. */
    public List<MemberState> members() {
        return states;
    }

    Picker picker() {
        return picker;
    }
}
