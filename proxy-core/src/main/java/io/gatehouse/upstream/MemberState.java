package io.gatehouse.upstream;

import io.gatehouse.config.bind.Durations;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.upstream.health.CheckResult;
import io.gatehouse.upstream.health.LatencyHistogram;
import io.gatehouse.upstream.health.MemberEvent;
import io.gatehouse.upstream.health.MemberEvents;
import io.gatehouse.upstream.health.MemberHealth;
import io.gatehouse.upstream.health.MemberStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * One member as one cluster sees it, kept in {@link UpstreamRegistry} across reloads: whether the
 * cluster may use it (health is a cluster's view: two clusters may check different paths), how many
 * requests it is serving for the cluster, how its attempts ended and how long its answers took. Its
 * connections are not its own: they belong to the {@link MemberEndpoint} of its address, which every
 * cluster listing that address shares.
 *
 * <p>Every attempt is started once ({@link #tryStartAttempt}) and ends with exactly one {@link Outcome}
 * kind ({@link #record}); the counters below are all derived from those two calls.
 *
 * <p><b>Health.</b> What makes a member unusable is kept as bits of one volatile int, so that
 * {@link #isUsable()} of a healthy member is one volatile read: {@code draining} (no new requests;
 * those in flight finish), {@code checked down} (active checks: {@code fall} failures in a row, or the
 * first check failing; {@code rise} passes bring it back), {@code ejected} (passive health, as nginx's
 * {@code max_fails}/{@code fail_timeout}: that many member faults within {@code fail_timeout} take it
 * out for {@code fail_timeout}, after which exactly one attempt is let through as a probe, whose
 * outcome decides; with active checks on, {@code rise} good checks decide instead; a cluster's only
 * member is never ejected), {@code probing} and {@code marked down}. A member that comes back (checks,
 * probe, undrain) or that a reload adds ramps up under {@code slow_start}: {@link #weightFactor} grows
 * from 0.05 to 1 over that time. Every change of {@link #status} is one {@link MemberEvent} (and one
 * log line) through the registry's {@link MemberEvents}.
 *
 * <p>The hot path (a pick, an attempt's admission and its end) takes no lock and allocates nothing;
 * state changes, which are rare, take this object's lock and publish their event after releasing it.
 */
public final class MemberState {
    private static final Outcome.Kind[] KINDS = Outcome.Kind.values();

    private static final int DRAINING = 1;
    private static final int CHECKED_DOWN = 2;
    private static final int EJECTED = 4;
    private static final int PROBING = 8;
    private static final int MARKED_DOWN = 16;
    /** Any of these and no request goes to the member; {@code EJECTED} alone lets a probe through once due. */
    private static final int CLOSED = DRAINING | CHECKED_DOWN | MARKED_DOWN | PROBING;

    /** Where active checks stand for this member: none configured, none run yet, last verdict up or down. */
    private enum Phase { NONE, CHECKING, UP, DOWN }

    private final String cluster;
    private final MemberEndpoint endpoint;
    private final LongSupplier nanoClock;
    private final MemberEvents events;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLongArray outcomes = new AtomicLongArray(KINDS.length);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastToHeadNanos = new AtomicLong(-1);
    private final AtomicLong lastToEndNanos = new AtomicLong(-1);
    /** Times to the answer's end, for the pool view's average and p99. */
    private final LatencyHistogram latency = new LatencyHistogram();
    /** The usability bits above; 0 for a healthy member. */
    private final AtomicInteger flags = new AtomicInteger();
    /** The cluster's policy for its members, as the generation in place wrote it (set when adopted). */
    private volatile MemberPolicy policy = MemberPolicy.DEFAULTS;
    /** The only member its cluster lists: passive health never takes it out (as nginx). */
    private volatile boolean sole;
    /** Latency for latency-aware balancing; fed only while a picker {@linkplain #trackLatency asked for it}. */
    private final PeakEwma ewma = new PeakEwma();
    private volatile boolean latencyTracked;

    // passive health; written under the lock
    /** Member faults counted in the window that began at {@link #faultWindowStart}; read without the lock to skip work. */
    private volatile int recentFaults;
    private long faultWindowStart;
    /** Until when an ejected member stays out; then one probe may go. */
    private volatile long ejectedUntil;

    // active checks; written under the lock
    private volatile Phase phase = Phase.NONE;
    private int checksPassed;
    private int checksFailed;
    private volatile CheckResult lastCheck;

    // slow start
    private volatile boolean ramping;
    private volatile long rampStart;
    private volatile long rampUntil;

    // what the pool view and events say; written under the lock
    private volatile MemberStatus shown = MemberStatus.UP;
    private volatile String why = "";
    private volatile Instant whySince;
    /** False until the registry adopted it: the first policy it gets is no change worth an event. */
    private boolean adopted;

    /** A state with the system clocks whose changes are logged but schedule no follow-up (tests of pickers). */
    MemberState(String cluster, MemberEndpoint endpoint) {
        this(cluster, endpoint, System::nanoTime, new MemberEvents(Clock.systemUTC(), MemberEvents.Timer.NONE));
    }

    /**
     * @param nanoClock the monotonic time health reads when a member is out (the hot path never reads it)
     * @param events    where state changes go
     */
    MemberState(String cluster, MemberEndpoint endpoint, LongSupplier nanoClock, MemberEvents events) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.events = Objects.requireNonNull(events, "events");
        this.whySince = events.wallClock().instant();
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

    /**
     * True when a picker may choose the member now: not draining, not down by checks or by mark, and not
     * taken out by passive health (or out, but due for its one probe, which no other request has taken).
     * One volatile read for a healthy member.
     */
    public boolean isUsable() {
        int f = flags.get();
        return f == 0 || usableWhile(f);
    }

    private boolean usableWhile(int f) {
        if ((f & CLOSED) != 0) {
            return false;
        }
        if ((f & EJECTED) == 0) {
            return true;
        }
        // Ejected: due for a probe once fail_timeout has passed, unless active checks decide.
        return policy.health().isEmpty() && nanoClock.getAsLong() - ejectedUntil >= 0;
    }

    /** The policy of the generation in place for this member's cluster. */
    public MemberPolicy policy() {
        return policy;
    }

    /** The registry sets it when a generation listing the member is adopted. */
    void policy(MemberPolicy policy) {
        policy(policy, sole);
    }

    /**
     * The registry sets the policy when a generation listing the member is adopted, with whether the
     * member is its cluster's only one. Turning active checks on puts the member in {@code checking}
     * (usable until the first check); turning them off forgets their verdict; turning passive health off
     * (or the member becoming its cluster's only one) lets an ejected member back.
     */
    void policy(MemberPolicy next, boolean soleMember) {
        Objects.requireNonNull(next, "policy");
        MemberEvent event = null;
        synchronized (this) {
            MemberPolicy before = this.policy;
            this.policy = next;
            this.sole = soleMember;
            Optional<HealthCheckSpec> was = before.health();
            Optional<HealthCheckSpec> now = next.health();
            String reason = null;
            if (now.isPresent() && (was.isEmpty() || !adopted)) {
                phase = Phase.CHECKING;
                checksPassed = 0;
                checksFailed = 0;
                clear(CHECKED_DOWN);
                reason = "health checks turned on";
            } else if (now.isEmpty() && was.isPresent()) {
                phase = Phase.NONE;
                clear(CHECKED_DOWN);
                reason = "health checks turned off";
            } else if (now.isPresent() && !now.equals(was)) {
                checksPassed = 0;
                checksFailed = 0; // the counts were of other settings; the verdict stands until the new ones speak
            }
            if ((next.maxFails() == 0 || soleMember) && (flags.get() & EJECTED) != 0) {
                clear(EJECTED | PROBING);
                recentFaults = 0;
                reason = soleMember ? "the only member of its cluster now" : "passive health turned off";
            }
            if (adopted) {
                event = reason == null ? null : transition(nanoClock.getAsLong(), reason);
            } else {
                adopted = true;
                shown = status(nanoClock.getAsLong());
                if (shown == MemberStatus.CHECKING) {
                    why = "waiting for the first check";
                }
            }
        }
        publish(event);
    }

    /**
     * The share of its weight the member gets now: 1 normally, less while it ramps up under
     * {@code slow_start} after coming back (at least 0.05, growing with the time since). Pickers multiply
     * weights by it; the hash strategies ignore it. One volatile read when the member is not ramping.
     */
    public double weightFactor(long nowNanos) {
        if (!ramping) {
            return 1.0;
        }
        long until = rampUntil;
        if (nowNanos - until >= 0) {
            return 1.0;
        }
        long start = rampStart;
        double share = (double) (nowNanos - start) / (double) (until - start);
        return Math.max(0.05, Math.min(1.0, share));
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

    /** Takes the member out ({@code true}) or lets it back, by hand; independent of checks and passive health. */
    public void markDown(boolean isDown) {
        MemberEvent event;
        synchronized (this) {
            if (isDown) {
                set(MARKED_DOWN);
            } else {
                clear(MARKED_DOWN);
            }
            event = transition(nanoClock.getAsLong(), isDown ? "marked down" : "mark cleared");
        }
        publish(event);
    }

    /**
     * Drains the member ({@code true}): no new request goes to it, those in flight finish. Clearing it
     * brings it back, ramping up under {@code slow_start}. It stays set across reloads.
     */
    public void setDraining(boolean draining) {
        MemberEvent event;
        synchronized (this) {
            boolean was = (flags.get() & DRAINING) != 0;
            if (was == draining) {
                return;
            }
            long now = nanoClock.getAsLong();
            if (draining) {
                set(DRAINING);
            } else {
                clear(DRAINING);
                startRamp(now);
            }
            event = transition(now, draining ? "" : "drain cleared");
        }
        publish(event);
    }

    /** True while the member is drained. */
    public boolean isDraining() {
        return (flags.get() & DRAINING) != 0;
    }

    /**
     * The member's state now: {@code draining} first (the operator's word), then {@code down} (checks,
     * passive health, mark), {@code checking} (checks on, none run yet), {@code slow_start}, {@code up}.
     */
    public MemberStatus status(long nowNanos) {
        int f = flags.get();
        if ((f & DRAINING) != 0) {
            return MemberStatus.DRAINING;
        }
        if ((f & (CHECKED_DOWN | EJECTED | MARKED_DOWN)) != 0) {
            return MemberStatus.DOWN;
        }
        if (phase == Phase.CHECKING) {
            return MemberStatus.CHECKING;
        }
        if (ramping && nowNanos - rampUntil < 0) {
            return MemberStatus.SLOW_START;
        }
        return MemberStatus.UP;
    }

    /**
     * The state, why and since when, and the last check, read together: a change under way is seen
     * whole or not at all (what the pool view shows). Takes the state's lock, which the hot path never does.
     */
    public synchronized MemberHealth health(long nowNanos) {
        return new MemberHealth(status(nowNanos), why, whySince, lastCheck);
    }

    /** Why the member is in its state, as its last change said ({@code 3 checks failed (connect() refused)}); may be empty. */
    public String why() {
        return why;
    }

    /** When the member's state last changed (or the state was made). */
    public Instant whySince() {
        return whySince;
    }

    /** The last active check's result, or null when none ran. */
    public CheckResult lastCheck() {
        return lastCheck;
    }

    /** True while passive health keeps the member out (its probe may be due). */
    public boolean isEjected() {
        return (flags.get() & EJECTED) != 0;
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

    /** The average time to the answer's end over the last one to two minutes, or -1 without answers. */
    public long latencyAverageNanos(long nowNanos) {
        return latency.averageNanos(nowNanos);
    }

    /** The 99th percentile of the times to the answer's end over the last one to two minutes (within 12.5 %), or -1. */
    public long latencyP99Nanos(long nowNanos) {
        return latency.percentileNanos(0.99, nowNanos);
    }

    /**
     * An attempt with this member begins if it may: not when {@code maxConnections} (above 0) attempts
     * are in flight already, nor when the member is out under passive health and its one probe is not
     * due or is taken by another request. False leaves nothing started or counted.
     */
    boolean tryStartAttempt(int maxConnections) {
        if (maxConnections <= 0) {
            active.incrementAndGet();
        } else {
            while (true) {
                int n = active.get();
                if (n >= maxConnections) {
                    return false;
                }
                if (active.compareAndSet(n, n + 1)) {
                    break;
                }
            }
        }
        if ((flags.get() & EJECTED) != 0 && !takeProbe()) {
            active.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Takes the one probe of an ejected member if it is due and free; true also when the member is no longer out. */
    private boolean takeProbe() {
        while (true) {
            int f = flags.get();
            if ((f & EJECTED) == 0) {
                return true;
            }
            if ((f & PROBING) != 0 || policy.health().isPresent() || nanoClock.getAsLong() - ejectedUntil < 0) {
                return false;
            }
            if (flags.compareAndSet(f, f | PROBING)) {
                return true;
            }
        }
    }

    /**
     * The attempt begun with {@link #tryStartAttempt} ended as {@code kind} (an {@link Outcome}'s fields,
     * passed flat so that a whole answer allocates nothing); called exactly once per attempt.
     *
     * @param toHeadNanos from the attempt's start to the answer's head, -1 if none came
     * @param toEndNanos  from the attempt's start to its end
     * @param nowNanos    the attempt's end
     */
    void record(Outcome.Kind kind, long toHeadNanos, long toEndNanos, long nowNanos) {
        record(kind, toHeadNanos, toEndNanos, nowNanos, null);
    }

    /**
     * As {@link #record(Outcome.Kind, long, long, long)}, with the outcome's reason in an operator's words
     * ({@code connect() refused}) for the line that says why passive health took the member out; null
     * says it from the kind.
     */
    void record(Outcome.Kind kind, long toHeadNanos, long toEndNanos, long nowNanos, String reason) {
        active.decrementAndGet();
        outcomes.incrementAndGet(kind.ordinal());
        if (kind == Outcome.Kind.OK) {
            // Plain stores: a reader wants a recent figure, not a fence on every answer.
            lastToHeadNanos.lazySet(toHeadNanos);
            lastToEndNanos.lazySet(toEndNanos);
            latency.record(toEndNanos, nowNanos);
            if (latencyTracked) {
                ewma.observe(toHeadNanos, nowNanos);
            }
            if (flags.get() != 0 || recentFaults != 0) {
                succeeded(nowNanos);
            }
        } else if (kind.memberFault()) {
            failures.incrementAndGet();
            if (latencyTracked && kind.timedOut()) {
                // A member that only times out answers nothing, yet it is as slow as the wait it cost:
                // without this sample it would keep its last (fast) estimate and keep its share.
                ewma.observe(toEndNanos, nowNanos);
            }
            faulted(kind, nowNanos, reason);
        } else if ((flags.get() & PROBING) != 0) {
            clear(PROBING); // the probe told nothing (its client left): the next request probes
        }
    }

    /** A whole answer: a probe brings the member back; otherwise the faults counted so far are forgotten. */
    private void succeeded(long now) {
        MemberEvent event = null;
        synchronized (this) {
            int f = flags.get();
            if ((f & PROBING) != 0) {
                clear(PROBING | EJECTED);
                recentFaults = 0;
                startRamp(now);
                event = transition(now, "probe succeeded");
            } else if ((f & EJECTED) == 0) {
                recentFaults = 0;
            }
        }
        publish(event);
    }

    /** A member fault: counted against {@code max_fails} within {@code fail_timeout}; a failed probe takes the member out again. */
    private void faulted(Outcome.Kind kind, long now, String reason) {
        MemberPolicy p = policy;
        if (p.maxFails() == 0 || sole) {
            return;
        }
        MemberEvent event = null;
        synchronized (this) {
            int f = flags.get();
            long window = p.failTimeout().toNanos();
            String what = reason != null ? reason : words(kind);
            if ((f & PROBING) != 0) {
                clear(PROBING);
                ejectedUntil = now + window;
                why = "probe failed (" + what + "), out for " + Durations.format(p.failTimeout());
                whySince = events.wallClock().instant();
                return; // down it was, down it stays: no change to announce
            }
            if ((f & EJECTED) != 0) {
                return; // an attempt begun before it was taken out
            }
            if (recentFaults == 0 || now - faultWindowStart > window) {
                recentFaults = 0;
                faultWindowStart = now;
            }
            int n = recentFaults + 1;
            recentFaults = n;
            if (n >= p.maxFails()) {
                recentFaults = 0;
                ejectedUntil = now + window;
                checksPassed = 0; // with checks on, rise good ones bring it back
                ramping = false;
                set(EJECTED);
                event = transition(now, n + (n == 1 ? " failure" : " failures") + " within "
                        + Durations.format(p.failTimeout()) + " (" + what + ")");
            }
        }
        publish(event);
    }

    /**
     * An active check of this member ended ({@code spec}: the settings it ran with; a check of settings
     * the cluster no longer has only leaves its result). The first failure takes a {@code checking}
     * member down, {@code fall} in a row take an up one down, {@code rise} in a row bring a down one back
     * (and one that passive health took out), ramping under {@code slow_start}.
     */
    public void checkResult(HealthCheckSpec spec, CheckResult result) {
        MemberEvent event = null;
        synchronized (this) {
            lastCheck = result;
            Optional<HealthCheckSpec> mine = policy.health();
            if (mine.isEmpty() || !mine.get().equals(spec)) {
                return;
            }
            long now = nanoClock.getAsLong();
            int f = flags.get();
            if (result.ok()) {
                checksFailed = 0;
                checksPassed++;
                String reason = checksPassed + (checksPassed == 1 ? " check passed" : " checks passed");
                if ((f & (CHECKED_DOWN | EJECTED)) != 0) {
                    if (checksPassed >= spec.rise()) {
                        clear(CHECKED_DOWN | EJECTED | PROBING);
                        recentFaults = 0;
                        phase = Phase.UP;
                        startRamp(now);
                        event = transition(now, reason);
                    }
                } else if (phase != Phase.UP) {
                    phase = Phase.UP;
                    event = transition(now, reason);
                }
            } else {
                checksPassed = 0;
                checksFailed++;
                if (phase == Phase.CHECKING || phase == Phase.UP && checksFailed >= spec.fall()) {
                    phase = Phase.DOWN;
                    ramping = false;
                    set(CHECKED_DOWN);
                    event = transition(now, checksFailed + (checksFailed == 1 ? " check failed" : " checks failed")
                            + " (" + result.reason() + ")");
                }
            }
        }
        publish(event);
    }

    /**
     * A reload added the member to a cluster that was already serving: it ramps up under
     * {@code slow_start} (never at process start, as HAProxy).
     */
    void addedByReload() {
        MemberEvent event;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (!startRamp(now)) {
                return;
            }
            event = transition(now, "added by a reload");
        }
        publish(event);
    }

    /** No generation lists the member in this cluster any more: it takes no new request (those of the old one finish). */
    void removed() {
        MemberEvent event;
        synchronized (this) {
            set(DRAINING);
            event = transition(nanoClock.getAsLong(), "removed from the configuration");
        }
        publish(event);
    }

    // ---- under the lock

    /** Starts the slow-start ramp at {@code now} if the policy has one; false when it has not. */
    private boolean startRamp(long now) {
        long length = policy.slowStart().toNanos();
        if (length <= 0) {
            ramping = false;
            return false;
        }
        long until = now + length;
        rampStart = now;
        rampUntil = until;
        ramping = true;
        events.after(length, () -> rampOver(until));
        return true;
    }

    /** The ramp that was to end at {@code until} has: full weight, which is a change worth saying. */
    private void rampOver(long until) {
        MemberEvent event;
        synchronized (this) {
            if (!ramping || rampUntil != until) {
                return; // a newer ramp, or none any more
            }
            long now = nanoClock.getAsLong();
            if (now - until < 0) {
                events.after(until - now, () -> rampOver(until)); // the timer ran early
                return;
            }
            ramping = false;
            event = transition(now, "slow start over, at full weight");
        }
        publish(event);
    }

    /**
     * Notes the state after a change: when it differs from the one last announced, the reason is kept
     * for the view and the event returned (published by the caller once the lock is released).
     */
    private MemberEvent transition(long now, String reason) {
        MemberStatus to = status(now);
        MemberStatus from = shown;
        if (to == from) {
            return null;
        }
        shown = to;
        why = to == MemberStatus.CHECKING && reason.isEmpty() ? "waiting for the first check" : reason;
        whySince = events.wallClock().instant();
        return events.event(cluster, key(), from, to, reason);
    }

    private void publish(MemberEvent event) {
        if (event != null) {
            events.publish(event);
        }
    }

    private void set(int bits) {
        int f;
        do {
            f = flags.get();
        } while (!flags.compareAndSet(f, f | bits));
    }

    private void clear(int bits) {
        int f;
        do {
            f = flags.get();
        } while ((f & bits) != 0 && !flags.compareAndSet(f, f & ~bits));
    }

    /** An attempt's end as the line about passive health says it, when the exchange gave no reason. */
    private static String words(Outcome.Kind kind) {
        switch (kind) {
            case CONNECT_FAILED:
                return "connect() failed";
            case CONNECT_TIMEOUT:
                return "connect() timed out";
            case HEAD_TIMEOUT:
                return "timed out waiting for the answer's head";
            case BODY_TIMEOUT:
                return "timed out in the middle of the answer";
            case BROKEN:
                return "broken answer";
            case FAIL_STATUS:
                return "answered with a fail_on status";
            default:
                return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return endpoint.key() + " in @" + cluster;
    }
}
