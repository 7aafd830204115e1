package io.gatehouse.upstream;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.upstream.health.MemberEvents;
import io.gatehouse.upstream.health.MemberListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioWorker;

/**
 * The upstream state that outlives a configuration generation: one {@link MemberEndpoint} per member
 * address (its connections), one {@link MemberState} per cluster and member (health, counters,
 * latency). A member in the old and the new configuration keeps both.
 *
 * <p>A generation is put in place in three steps, one build at a time: a build {@link #claim()}s the
 * members it needs (existing ones are shared, new ones made and their names resolved, but nothing in
 * the registry changes, so a build that fails leaves no trace); once it succeeded the registry
 * {@link #adopt}s the claim; after the swap, {@link #retainOnly} retires whatever the new generation
 * does not list: its idle connections close, and a request of the old generation still in flight
 * closes its connection when done instead of keeping it.
 *
 * <p>Each member state gets its cluster's {@link MemberPolicy} when adopted; a member a reload adds to a
 * cluster ramps up under {@code slow_start} (members of the first generation, at process start, do not),
 * and a member no generation lists any more is drained. Every change of a member's state is one line on
 * the logger {@value MemberEvents#LOGGER} and one event to the {@linkplain #addListener listeners}.
 *
 * <p>Host names are resolved off the IO threads: when a claim is made, and again every
 * {@code resolve_interval} by {@link #refreshAddresses} (a timer thread calls it). A name that comes
 * to resolve elsewhere moves its endpoint there; a lookup that fails keeps the last good address.
 */
public final class UpstreamRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRegistry.class);

    /** Looks a host name up; blocking, never called on an IO thread. */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getByName;

        InetAddress resolve(String host) throws UnknownHostException;
    }

    /** The name of the cluster active checks' own member states count their attempts in; no configured cluster has it. */
    public static final String CHECK_CLUSTER = "#health-check";

    private record StateKey(String cluster, MemberKey member) {
        // written out, as a record's would be: see MemberKey (the generated ones cost the start a bootstrap)
        @Override
        public boolean equals(Object o) {
            return o instanceof StateKey other && Objects.equals(cluster, other.cluster)
                    && Objects.equals(member, other.member);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(cluster) + Objects.hashCode(member);
        }
    }

    /** When an endpoint's name is looked up again. Guarded by the registry. */
    private static final class Lookup {
        long everyNanos;
        long dueNanos;
        boolean failing;
    }

    private final Map<MemberKey, MemberEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<StateKey, MemberState> states = new ConcurrentHashMap<>();
    private final Map<MemberKey, Lookup> lookups = new HashMap<>();
    private final XnioWorker worker;
    private final int maxIdlePerThread;
    private final Resolver resolver;
    private final LongSupplier nanoClock;
    private final MemberEvents events;
    /** False until the first generation (process start) was adopted. Guarded by the registry. */
    private boolean serving;

    public UpstreamRegistry(XnioWorker worker, int maxIdlePerThread) {
        this(worker, maxIdlePerThread, Resolver.SYSTEM, System::nanoTime);
    }

    /**
     * @param resolver  looks host names up (blocking; never on an IO thread)
     * @param nanoClock monotonic time, for when names are due to be looked up again
     */
    public UpstreamRegistry(XnioWorker worker, int maxIdlePerThread, Resolver resolver, LongSupplier nanoClock) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.maxIdlePerThread = maxIdlePerThread;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        // Follow-ups of state changes (a ramp's end) run on the first IO thread's timer: a few log lines.
        this.events = new MemberEvents(Clock.systemUTC(), (delayNanos, task) -> {
            try {
                worker.getIoThread(0).executeAfter(task, TimeUnit.NANOSECONDS.toMillis(delayNanos) + 1, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // stopping: no follow-up is needed any more
            }
        });
    }

    /**
     * Hears every change of a member's state from now on (called on the thread of the change: it must
     * not block).
     */
    public void addListener(MemberListener listener) {
        events.addListener(listener);
    }

    public void removeListener(MemberListener listener) {
        events.removeListener(listener);
    }

    /**
     * A member state of its own for the active checks of {@code key}, over the member's endpoint (its
     * address and TLS settings): the checks' attempts are counted there, never in a cluster's state, and
     * it is never listed in {@link #states()}. Null when the registry has no such member.
     */
    public MemberState checkState(MemberKey key) {
        MemberEndpoint endpoint = endpoints.get(key);
        if (endpoint == null) {
            return null;
        }
        MemberState state = new MemberState(CHECK_CLUSTER, endpoint, nanoClock, events);
        state.policy(MemberPolicy.DEFAULTS, true); // never taken out: it only carries the checks
        return state;
    }

    /**
     * The members one build needs, taken from the registry where they exist and made (names resolved)
     * where they do not; the registry itself is not changed. Used by one thread.
     */
    public final class Claim {
        private final Map<MemberKey, MemberEndpoint> claimedEndpoints = new LinkedHashMap<>();
        private final Map<StateKey, MemberState> claimedStates = new LinkedHashMap<>();
        private final Map<StateKey, MemberPolicy> policies = new HashMap<>();
        private final Map<String, Integer> clusterSizes = new HashMap<>();
        private final Map<MemberKey, Long> intervals = new HashMap<>();

        private Claim() {
        }

        /**
         * The state of {@code key} in {@code cluster}: the registry's if it has one (health, counters and
         * connections carry over), otherwise a new one.
         *
         * @param resolveInterval how often the cluster wants the name looked up again (zero: never)
         * @throws UnknownHostException a new member's host name does not resolve
         */
        public MemberState member(String cluster, MemberKey key, Duration resolveInterval) throws UnknownHostException {
            return member(cluster, key, resolveInterval, MemberPolicy.DEFAULTS);
        }

        /**
         * As {@link #member(String, MemberKey, Duration)}, for a cluster with {@code policy}, which the
         * state takes when the claim is adopted (not before: a build that fails changes nothing).
         */
        public MemberState member(String cluster, MemberKey key, Duration resolveInterval, MemberPolicy policy)
                throws UnknownHostException {
            StateKey sk = new StateKey(cluster, key);
            MemberState state = claimedStates.get(sk);
            if (state == null) {
                MemberEndpoint endpoint = endpoint(key);
                state = states.get(sk);
                if (state == null || state.endpoint() != endpoint) {
                    state = new MemberState(cluster, endpoint, nanoClock, events);
                }
                claimedStates.put(sk, state);
                clusterSizes.merge(cluster, 1, Integer::sum);
            }
            policies.put(sk, Objects.requireNonNull(policy, "policy"));
            long every = resolveInterval.toNanos();
            if (every > 0) {
                intervals.merge(key, every, Math::min);
            }
            return state;
        }

        private MemberEndpoint endpoint(MemberKey key) throws UnknownHostException {
            MemberEndpoint endpoint = claimedEndpoints.get(key);
            if (endpoint == null) {
                endpoint = endpoints.get(key);
                if (endpoint == null) {
                    endpoint = new MemberEndpoint(key, resolve(key), worker.getIoThreadCount(), maxIdlePerThread);
                }
                claimedEndpoints.put(key, endpoint);
            }
            return endpoint;
        }

        /** Every member state claimed, in the order first claimed. */
        public Collection<MemberState> states() {
            return List.copyOf(claimedStates.values());
        }
    }

    /** Starts a build's claim. */
    public Claim claim() {
        return new Claim();
    }

    /**
     * A successful build's members enter the registry; from now on they outlive its generation. Each
     * state takes its cluster's policy; a state new to the registry after the first generation ramps up
     * under {@code slow_start}.
     */
    public synchronized void adopt(Claim claim) {
        long now = nanoClock.getAsLong();
        for (MemberEndpoint endpoint : claim.claimedEndpoints.values()) {
            MemberKey key = endpoint.key();
            endpoints.putIfAbsent(key, endpoint);
            Lookup lookup = lookups.computeIfAbsent(key, k -> new Lookup());
            long every = isLiteral(key.address().host()) ? 0 : claim.intervals.getOrDefault(key, 0L);
            if (lookup.everyNanos != every) {
                lookup.everyNanos = every;
                lookup.dueNanos = now + every;
            }
        }
        for (Map.Entry<StateKey, MemberState> e : claim.claimedStates.entrySet()) {
            StateKey key = e.getKey();
            MemberState state = e.getValue();
            boolean fresh = states.putIfAbsent(key, state) == null;
            state.policy(claim.policies.getOrDefault(key, MemberPolicy.DEFAULTS),
                    claim.clusterSizes.getOrDefault(key.cluster(), 1) == 1);
            if (fresh && serving) {
                state.addedByReload();
            }
        }
        serving = true;
    }

    /**
     * Retires what {@code claim} (the generation now serving) does not list: the states are drained and
     * forgotten, the endpoints keep no connection any more (idle ones close now, busy ones when their request ends).
     */
    public synchronized void retainOnly(Claim claim) {
        for (Map.Entry<StateKey, MemberState> e : List.copyOf(states.entrySet())) {
            if (!claim.claimedStates.containsKey(e.getKey())) {
                states.remove(e.getKey());
                e.getValue().removed(); // drained: an old generation's request may still pick it; no new one does
            }
        }
        for (MemberEndpoint endpoint : List.copyOf(endpoints.values())) {
            if (!claim.claimedEndpoints.containsKey(endpoint.key())) {
                endpoints.remove(endpoint.key());
                lookups.remove(endpoint.key());
                endpoint.retire();
                closeIdle(endpoint);
                LOG.info("upstream {} is no longer configured; its connections close", endpoint);
            }
        }
    }

    /** Every member state of the generation now serving (for views). */
    public Collection<MemberState> states() {
        return List.copyOf(states.values());
    }

    /** Every member address of the generation now serving (for views). */
    public Collection<MemberEndpoint> endpoints() {
        return List.copyOf(endpoints.values());
    }

    /**
     * Looks up again the names that are due ({@code resolve_interval}). Blocking: call from a thread of
     * its own, never an IO thread. An endpoint whose name now resolves elsewhere moves there (new
     * connections go to the new address, idle ones to the old close); a failed lookup keeps the last
     * good address and says so once, until a lookup succeeds again.
     */
    public void refreshAddresses() {
        long now = nanoClock.getAsLong();
        List<MemberEndpoint> due = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<MemberKey, Lookup> e : lookups.entrySet()) {
                Lookup lookup = e.getValue();
                if (lookup.everyNanos > 0 && now - lookup.dueNanos >= 0) {
                    lookup.dueNanos = now + lookup.everyNanos;
                    MemberEndpoint endpoint = endpoints.get(e.getKey());
                    if (endpoint != null) {
                        due.add(endpoint);
                    }
                }
            }
        }
        for (MemberEndpoint endpoint : due) {
            InetSocketAddress fresh;
            try {
                fresh = resolve(endpoint.key());
            } catch (UnknownHostException e) {
                synchronized (this) {
                    Lookup lookup = lookups.get(endpoint.key());
                    if (lookup != null && !lookup.failing) {
                        lookup.failing = true;
                        LOG.warn("cannot resolve upstream host {} ({}); keeping its last address {}",
                                endpoint.key().address().host(), e.getMessage(), endpoint.address().getAddress().getHostAddress());
                    }
                }
                continue;
            }
            synchronized (this) {
                Lookup lookup = lookups.get(endpoint.key());
                if (lookup == null || endpoint.isRetired()) {
                    continue;
                }
                if (lookup.failing) {
                    lookup.failing = false;
                    LOG.info("upstream host {} resolves again", endpoint.key().address().host());
                }
                InetSocketAddress old = endpoint.address();
                if (!fresh.getAddress().equals(old.getAddress())) {
                    endpoint.moveTo(fresh);
                    closeIdle(endpoint);
                    LOG.info("upstream {} now resolves to {} (was {}); new connections go there, old ones drain",
                            endpoint, fresh.getAddress().getHostAddress(), old.getAddress().getHostAddress());
                }
            }
        }
    }

    /** Closes {@code endpoint}'s idle connections, each on its own IO thread. */
    private void closeIdle(MemberEndpoint endpoint) {
        for (int i = 0; i < worker.getIoThreadCount(); i++) {
            int thread = i;
            worker.getIoThread(i).execute(() -> endpoint.closeIdle(thread));
        }
    }

    private InetSocketAddress resolve(MemberKey key) throws UnknownHostException {
        HostPort address = key.address();
        // The connector gives a TLS member's configured name to the TLS layer itself (SNI, certificate check).
        return new InetSocketAddress(resolver.resolve(address.host()), address.port());
    }

    /** True for an IPv4 or IPv6 literal, which is never looked up again. */
    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6 (HostPort keeps names and IPv4 free of colons)
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }
}
