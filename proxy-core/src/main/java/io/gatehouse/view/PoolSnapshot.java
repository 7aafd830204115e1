package io.gatehouse.view;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pool view at one moment: every cluster of the generation in service, with its members' state,
 * weights, traffic and latency. Immutable; taken by {@link PoolView#snapshot()}.
 *
 * @param at         when it was taken
 * @param generation the configuration generation it shows
 * @param clusters   the clusters, {@code [@name]} sections in order, then the clusters of routes' URL targets
 */
public record PoolSnapshot(Instant at, long generation, List<ClusterView> clusters) {
    public PoolSnapshot {
        Objects.requireNonNull(at, "at");
        clusters = List.copyOf(clusters);
    }

    /** The cluster named {@code name} ({@code api} or {@code @api}), if the generation has it. */
    public Optional<ClusterView> cluster(String name) {
        String bare = PoolView.bare(name);
        return clusters.stream().filter(c -> c.name().equals(bare)).findFirst();
    }
}
