package io.gatehouse.upstream.balance;

import io.gatehouse.config.model.ClusterSpec;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What a {@link BalancingStrategy} builds a picker from: the cluster's configuration as written (so a
 * strategy's own keys need no new parameter), its members as this generation sees them, and the
 * randomness and time it may use, injected so that tests are deterministic.
 *
 * @param spec      the cluster's section ({@code [@name]}, or the cluster of one of a URL target)
 * @param members   the members, in the order listed, each with its shared live state
 * @param random    random numbers; safe to call from every IO thread at once
 * @param nanoClock monotonic time in nanoseconds
 */
public record PickerContext(ClusterSpec spec, List<ClusterMember> members, RandomGenerator random, LongSupplier nanoClock) {
    /** Random numbers for the running proxy: each IO thread its own generator, no lock, no allocation. */
    public static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    public PickerContext {
        Objects.requireNonNull(spec, "spec");
        members = List.copyOf(members);
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("cluster " + spec.name() + " has no members");
        }
    }

    /** The running proxy's context: thread-local randomness, {@link System#nanoTime()}. */
    public static PickerContext of(ClusterSpec spec, List<ClusterMember> members) {
        return new PickerContext(spec, members, THREAD_LOCAL_RANDOM, System::nanoTime);
    }
}
