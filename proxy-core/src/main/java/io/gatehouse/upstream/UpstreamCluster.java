package io.gatehouse.upstream;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.MemberPolicy;
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
    private final MemberPolicy policy;
    private final int maxAttempts;
    /** Requests waiting for a member under {@code max_connections}; null without a limit. */
    private final WaitQueue waitQueue;

    public UpstreamCluster(PickerContext context, BalancingStrategy strategy) {
        this.spec = context.spec();
        this.members = context.members();
        this.states = members.stream().map(ClusterMember::state).toList();
        this.picker = strategy.newPicker(context);
        this.policy = spec.policy();
        this.maxAttempts = policy.maxAttempts(states.size());
        this.waitQueue = policy.maxConnections() > 0
                ? new WaitQueue(policy.maxQueue(), policy.queueTimeout().toMillis()) : null;
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

    /** The cluster's member policy (retries, {@code fail_on}, overload...), as this generation has it. */
    public MemberPolicy policy() {
        return policy;
    }

    /** How many attempts one request may make here: {@code retries} + 1, at most one per member. */
    int maxAttempts() {
        return maxAttempts;
    }

    /** The queue for {@code max_connections}, or null when the cluster has no limit. */
    WaitQueue waitQueue() {
        return waitQueue;
    }

    /** Requests waiting now for a member under {@code max_connections} (0 without a limit). */
    public int waiting() {
        return waitQueue == null ? 0 : waitQueue.size();
    }
}
