package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;

/**
 * {@code ewma}: latency-aware balancing, as the peak-EWMA balancers of Finagle and linkerd. Two members
 * are drawn at random in proportion to their {@code weight}; each costs its latency estimate times its
 * requests in flight plus one, over its weight, and the cheaper one takes the request. The estimate
 * ({@link MemberState#latencyNanos}) jumps up at once to a slower answer and comes down smoothly over
 * seconds with faster ones, so a member that turns slow loses its share at its next answers; an estimate
 * that gets no new answer fades with time, so a slow member left idle is tried again after a few seconds
 * and regains its share if it answers fast. A member with no answer yet is costed at the smallest
 * estimate of the cluster, so new members are tried.
 *
 * <p>{@code backup} members only when no other member is usable; {@code down} ones never. Under
 * {@code slow_start} a ramping member with share f is drawn with f of its weight and its cost is divided
 * by f of its weight. Building the picker asks every member's state to track latency; until then no
 * answer pays for it.
 */
public final class EwmaStrategy implements BalancingStrategy {
    public static final String NAME = "ewma";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(PickerContext context) {
        return newPicker(context, Ramp.MEMBERS);
    }

    /** The picker, reading slow-start shares from {@code ramp}. */
    static Picker newPicker(PickerContext context, Ramp ramp) {
        for (ClusterMember m : context.members()) {
            m.state().trackLatency();
        }
        return new TwoChoicesPicker(context, true, ramp);
    }
}
