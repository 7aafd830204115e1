package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;

/**
 * Where pickers read a member's slow-start share: {@link MemberState#weightFactor} in the proxy; a test
 * gives its own, to check how a picker treats a ramping member without waiting for one to come back.
 */
@FunctionalInterface
interface Ramp {
    /** The members' own ramps. */
    Ramp MEMBERS = MemberState::weightFactor;

    /** The share of its weight {@code member} gets at {@code nowNanos}, in (0, 1]. */
    double share(MemberState member, long nowNanos);
}
