package io.gatehouse.view;

import io.gatehouse.runtime.Runtime;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.UpstreamCluster;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.health.MemberHealth;
import io.gatehouse.upstream.health.MemberStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The pool view: what every cluster's members are doing now, for the admin console, as immutable
 * snapshots of the generation in service, and the one control it offers, {@link #drain}. Taking a
 * snapshot reads the members' live state (no lock on the request path is taken) and allocates only the
 * snapshot.
 */
public final class PoolView {
    private final Supplier<Runtime> runtime;
    private final LongSupplier nanoClock;
    private final Clock wallClock;

    /** @param runtime the generation in service now ({@code RuntimeHolder::current}) */
    public PoolView(Supplier<Runtime> runtime) {
        this(runtime, System::nanoTime, Clock.systemUTC());
    }

    public PoolView(Supplier<Runtime> runtime, LongSupplier nanoClock, Clock wallClock) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    }

    /** The pool now; empty before the first generation is in service. */
    public PoolSnapshot snapshot() {
        Runtime current = runtime.get();
        if (current == null) {
            return new PoolSnapshot(wallClock.instant(), 0, List.of());
        }
        return snapshot(current, nanoClock.getAsLong(), wallClock);
    }

    /** The pool of {@code runtime}'s clusters at {@code nowNanos} (the monotonic clock). */
    public static PoolSnapshot snapshot(Runtime runtime, long nowNanos, Clock wallClock) {
        List<ClusterView> clusters = new ArrayList<>();
        for (UpstreamCluster cluster : runtime.clusters()) {
            List<MemberView> members = new ArrayList<>();
            for (ClusterMember m : cluster.clusterMembers()) {
                members.add(member(m, nowNanos));
            }
            clusters.add(new ClusterView(cluster.name(), cluster.spec().strategy(), members));
        }
        return new PoolSnapshot(wallClock.instant(), runtime.generation(), clusters);
    }

    private static MemberView member(ClusterMember m, long now) {
        MemberState s = m.state();
        MemberHealth health = s.health(now);
        MemberStatus state = health.status();
        String why = health.why();
        if (m.down() && state != MemberStatus.DRAINING) {
            state = MemberStatus.DOWN;
            why = "written down in the configuration";
        } else if (m.backup() && (state == MemberStatus.UP || state == MemberStatus.SLOW_START)) {
            state = MemberStatus.BACKUP;
        }
        boolean usable = !m.down() && s.isUsable() && state != MemberStatus.DOWN;
        double effective = usable ? m.weight() * s.weightFactor(now) : 0;
        long avg = s.latencyAverageNanos(now);
        long p99 = s.latencyP99Nanos(now);
        return new MemberView(s.key().address().toString(), state, why, health.since(), Optional.ofNullable(health.lastCheck()),
                m.weight(), effective, s.active(), s.requests(), s.failures(),
                avg < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(avg)),
                p99 < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(p99)));
    }

    /**
     * Drains ({@code true}) or undrains the member at {@code address} ({@code host:port} as written) of
     * {@code cluster} ({@code api} or {@code @api}) in the generation in service: a drained member takes
     * no new request, those in flight finish; undrained, it comes back under {@code slow_start}. The mark
     * stays across reloads while the member stays listed. False when the cluster does not list that member.
     */
    public boolean drain(String cluster, String address, boolean draining) {
        Runtime current = runtime.get();
        if (current == null) {
            return false;
        }
        String name = bare(cluster);
        for (UpstreamCluster c : current.clusters()) {
            if (!c.name().equals(name)) {
                continue;
            }
            for (MemberState s : c.members()) {
                if (s.key().address().toString().equals(address)) {
                    s.setDraining(draining);
                    return true;
                }
            }
        }
        return false;
    }

    /** A cluster's name without its {@code @}. */
    static String bare(String cluster) {
        return cluster.startsWith("@") ? cluster.substring(1) : cluster;
    }
}
