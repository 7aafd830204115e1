package io.gatehouse.upstream;

import io.gatehouse.config.model.MemberPolicy;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One member as one cluster sees it, kept in {@link UpstreamRegistry} across reloads: whether the
 * cluster may use it (health is a cluster's view: two clusters may check different paths), how many
 * requests it is serving for the cluster, how its attempts ended and how long its answers took. Its
 * connections are not its own: they belong to the {@link MemberEndpoint} of its address, which every
 * cluster listing that address shares.
 *
 * <p>Every attempt is started once ({@link #attemptStarted}) and ends with exactly one {@link Outcome}
 * kind ({@link #record}); the counters below are all derived from those two calls.
 */
public final class MemberState {
    private static final Outcome.Kind[] KINDS = Outcome.Kind.values();

    private final String cluster;
    private final MemberEndpoint endpoint;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLongArray outcomes = new AtomicLongArray(KINDS.length);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastToHeadNanos = new AtomicLong(-1);
    private final AtomicLong lastToEndNanos = new AtomicLong(-1);
    private volatile boolean down;
    /** The cluster's policy for its members, as the generation in place wrote it (set when adopted). */
    private volatile MemberPolicy policy = MemberPolicy.DEFAULTS;
    /** Latency for latency-aware balancing; fed only while a picker {@linkplain #trackLatency asked for it}. */
    private final PeakEwma ewma = new PeakEwma();
    private volatile boolean latencyTracked;

    MemberState(String cluster, MemberEndpoint endpoint) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The cluster this is the state for. */
    public String cluster() {
        return cluster;
    }

    public MemberKey key() {
        return endpoint.key();
    }

    /** The member's address and connections, shared with other clusters that list it. */
    public MemberEndpoint endpoint() {
        return endpoint;
    }

    /** False while the cluster has the member marked down (health checks and passive ejection set this). */
    public boolean isUsable() {
        return !down;
    }

    /** The policy of the generation in place for this member's cluster. */
    public MemberPolicy policy() {
        return policy;
    }

    /** The registry sets it when a generation listing the member is adopted. */
    void policy(MemberPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * The share of its weight the member gets now: 1 normally, less while it ramps up under
     * {@code slow_start} after coming back. Pickers multiply weights by it; the hash strategies ignore it.
     */
    public double weightFactor(long nowNanos) {
        return 1.0;
    }

    /**
     * Asks for latency to be tracked from now on (the latency-aware strategy's picker does, when built);
     * until then recording an answer costs no latency bookkeeping.
     */
    public void trackLatency() {
        latencyTracked = true;
    }

    /** The member's latency estimate in nanoseconds (peak-EWMA of its times to the answer's head), decayed to {@code nowNanos}. */
    public double latencyNanos(long nowNanos) {
        return ewma.estimate(nowNanos);
    }

    public void markDown(boolean isDown) {
        this.down = isDown;
    }

    /** Attempts in flight to this member for this cluster now. */
    public int active() {
        return active.get();
    }

    /** Attempts made, ended or not. */
    public long requests() {
        long n = active.get();
        for (int i = 0; i < KINDS.length; i++) {
            n += outcomes.get(i);
        }
        return n;
    }

    /** Attempts that ended the member's fault ({@link Outcome.Kind#memberFault()}). */
    public long failures() {
        return failures.get();
    }

    /** Attempts that ended as {@code kind}. */
    public long outcomes(Outcome.Kind kind) {
        return outcomes.get(kind.ordinal());
    }

    /** Time from the start of the latest whole attempt to its answer's head, or -1 before the first. */
    public long lastToHeadNanos() {
        return lastToHeadNanos.get();
    }

    /** Time from the start of the latest whole attempt to its answer's end, or -1 before the first. */
    public long lastToEndNanos() {
        return lastToEndNanos.get();
    }

    /** An attempt with this member begins (it was picked). */
    void attemptStarted() {
        active.incrementAndGet();
    }

    /**
     * An attempt with this member begins if it may: not when {@code maxConnections} (above 0) attempts
     * are in flight already. False leaves nothing started or counted.
     */
    boolean tryStartAttempt(int maxConnections) {
        if (maxConnections <= 0) {
            active.incrementAndGet();
            return true;
        }
        while (true) {
            int n = active.get();
            if (n >= maxConnections) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * The attempt begun with {@link #attemptStarted} ended as {@code kind} (an {@link Outcome}'s fields,
     * passed flat so that a whole answer allocates nothing); called exactly once per attempt.
     *
     * @param toHeadNanos from the attempt's start to the answer's head, -1 if none came
     * @param toEndNanos  from the attempt's start to its end
     */
    void record(Outcome.Kind kind, long toHeadNanos, long toEndNanos) {
        record(kind, toHeadNanos, toEndNanos, System.nanoTime());
    }

    /** As {@link #record(Outcome.Kind, long, long)}, at {@code nowNanos} (the attempt's end). */
    void record(Outcome.Kind kind, long toHeadNanos, long toEndNanos, long nowNanos) {
        active.decrementAndGet();
        outcomes.incrementAndGet(kind.ordinal());
        if (kind.memberFault()) {
            failures.incrementAndGet();
        } else if (kind == Outcome.Kind.OK) {
            // Plain stores: a reader wants a recent figure, not a fence on every answer.
            lastToHeadNanos.lazySet(toHeadNanos);
            lastToEndNanos.lazySet(toEndNanos);
            if (latencyTracked) {
                ewma.observe(toHeadNanos, nowNanos);
            }
        }
    }

    @Override
    public String toString() {
        return endpoint.key() + " in @" + cluster;
    }
}
