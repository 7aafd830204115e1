package io.gatehouse.upstream.balance;

/**
 * How a cluster chooses a member for a request. Stateless and shared; chosen by name in
 * {@link Strategies}. A new strategy is one class and one line there.
 */
public interface BalancingStrategy {
    /** The configuration name, e.g. {@code round_robin}. */
    String name();

    /**
     * Builds an immutable picker over the context's members; rebuilt when the configuration changes.
     * Live state (health, in-flight requests, latency) is read from the members' {@code MemberState}s.
     */
    Picker newPicker(PickerContext context);
}
