package io.gatehouse.upstream.health;

import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.upstream.MemberKey;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.UpstreamCluster;
import io.gatehouse.upstream.UpstreamConnector;
import io.gatehouse.upstream.UpstreamRegistry;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.PickerContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.xnio.XnioWorker;

/**
 * The active health checks of the generation in service ({@code health = /path} in a cluster): one
 * check per member address and check settings, however many clusters share them, run on the IO
 * threads (each check on one, spread over them in turn), never a thread per check. After each
 * generation is installed, {@link #reconcile} starts the checks it needs, keeps those it still needs
 * (with their timing; the clusters' counts of passes and failures live in their member states, which
 * outlive generations) and stops the rest. A member written {@code down} is not checked.
 */
public final class HealthChecks implements AutoCloseable {
    /** One check running: its member, settings, how many clusters hear it, its IO thread and first delay. */
    public record Running(MemberKey member, HealthCheckSpec spec, int clusters, int ioThread, Duration firstDelay) {
    }

    private record CheckKey(MemberKey member, HealthCheckSpec spec) {
    }

    private final UpstreamRegistry registry;
    private final UpstreamConnector connector;
    private final XnioWorker worker;
    private final RandomGenerator random;
    private final Clock wallClock;
    private final Map<CheckKey, HealthCheck> checks = new LinkedHashMap<>();
    private int nextThread;
    private boolean closed;

    public HealthChecks(UpstreamRegistry registry, UpstreamConnector connector, XnioWorker worker) {
        this(registry, connector, worker, PickerContext.THREAD_LOCAL_RANDOM, Clock.systemUTC());
    }

    /**
     * @param random    the jitter (seeded in tests); called from the IO threads
     * @param wallClock the time check results carry
     */
    public HealthChecks(UpstreamRegistry registry, UpstreamConnector connector, XnioWorker worker,
                        RandomGenerator random, Clock wallClock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.random = Objects.requireNonNull(random, "random");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    }

    /**
     * Makes the checks match {@code clusters} (the generation just installed; its members adopted by
     * the registry): new ones start, unchanged ones go on, removed ones stop.
     */
    public synchronized void reconcile(Collection<UpstreamCluster> clusters) {
        if (closed) {
            return;
        }
        Map<CheckKey, List<MemberState>> wanted = new LinkedHashMap<>();
        for (UpstreamCluster cluster : clusters) {
            Optional<HealthCheckSpec> spec = cluster.spec().policy().health();
            if (spec.isEmpty()) {
                continue;
            }
            for (ClusterMember m : cluster.clusterMembers()) {
                if (!m.down()) {
                    wanted.computeIfAbsent(new CheckKey(m.state().key(), spec.get()), k -> new ArrayList<>())
                            .add(m.state());
                }
            }
        }
        for (Iterator<Map.Entry<CheckKey, HealthCheck>> it = checks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<CheckKey, HealthCheck> e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().stop();
                it.remove();
            }
        }
        for (Map.Entry<CheckKey, List<MemberState>> e : wanted.entrySet()) {
            HealthCheck check = checks.get(e.getKey());
            if (check != null) {
                check.subscribers(e.getValue());
                continue;
            }
            MemberState own = registry.checkState(e.getKey().member());
            if (own == null) {
                throw new IllegalStateException("health check of " + e.getKey().member()
                        + ": the registry has not adopted that member");
            }
            int thread = Math.floorMod(nextThread++, worker.getIoThreadCount());
            check = new HealthCheck(e.getKey().member(), e.getKey().spec(), own, worker.getIoThread(thread), connector,
                    random, wallClock);
            check.subscribers(e.getValue());
            checks.put(e.getKey(), check);
            check.start();
        }
    }

    /** The checks running now, in the order they were started. */
    public synchronized List<Running> running() {
        List<Running> out = new ArrayList<>();
        for (HealthCheck c : checks.values()) {
            out.add(new Running(c.member(), c.spec(), c.subscribers().size(), c.ioThread(),
                    Duration.ofNanos(c.firstDelayNanos())));
        }
        return out;
    }

    /** Stops every check (at shutdown, before the IO threads stop); reconcile does nothing afterwards. */
    @Override
    public synchronized void close() {
        closed = true;
        for (HealthCheck c : checks.values()) {
            c.stop();
        }
        checks.clear();
    }
}
