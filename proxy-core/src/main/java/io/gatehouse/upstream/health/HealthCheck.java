package io.gatehouse.upstream.health;

import io.gatehouse.config.bind.Durations;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.upstream.BodylessGet;
import io.gatehouse.upstream.MemberExchange;
import io.gatehouse.upstream.MemberKey;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.Outcome;
import io.gatehouse.upstream.ProxyTimeouts;
import io.gatehouse.upstream.ResponseSink;
import io.gatehouse.upstream.UpstreamCluster;
import io.gatehouse.upstream.UpstreamConnector;
import io.gatehouse.upstream.UpstreamRegistry;
import io.gatehouse.upstream.balance.BalancingStrategy;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.Picker;
import io.gatehouse.upstream.balance.PickerContext;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.http1.HeaderSink;
import io.gatehouse.upstream.http1.ResponseHead;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * The active check of one member with one set of check settings, shared by every cluster that lists
 * the member with those settings: every {@code health_interval} (± 10 %, the first at a random point
 * of the first interval) a {@code GET} of the {@code health} path on a connection of its own, with
 * {@code Connection: close}, bounded by {@code health_timeout} from connect to the answer's end; an
 * answer in {@code health_status} passes. Each result goes to every subscribed cluster's
 * {@link MemberState}, which counts {@code rise} and {@code fall} itself.
 *
 * <p>It is a {@link MemberExchange} like any other, over a cluster of one that always picks the member
 * (checks ignore whether the member is usable: they are what decides it), with a member state of its
 * own, so that its attempts never count in a cluster's. It lives on one IO thread: its timer, its
 * exchange and its fields are that thread's.
 */
final class HealthCheck implements BodylessGet, ResponseSink {
    private static final Logger LOG = LoggerFactory.getLogger(MemberEvents.LOGGER);
    private static final SourcePos POS = SourcePos.ofFile("(health check)");
    private static final HttpString USER_AGENT_VALUE = new HttpString("Gatehouse-health-check");

    private final MemberKey member;
    private final HealthCheckSpec spec;
    private final XnioIoThread thread;
    private final UpstreamConnector connector;
    private final RandomGenerator random;
    private final Clock wallClock;
    private final UpstreamCluster pinned;
    private final ProxyTimeouts timeouts;
    private final long firstDelayNanos;
    private volatile List<MemberState> subscribers = List.of();

    // the IO thread's
    private boolean stopped;
    private XnioExecutor.Key next;
    private XnioExecutor.Key deadline;
    private MemberExchange exchange;
    private long startedAt;
    private int status;
    private boolean over = true;

    HealthCheck(MemberKey member, HealthCheckSpec spec, MemberState own, XnioIoThread thread,
                UpstreamConnector connector, RandomGenerator random, Clock wallClock) {
        this.member = Objects.requireNonNull(member, "member");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.thread = Objects.requireNonNull(thread, "thread");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.random = Objects.requireNonNull(random, "random");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        ClusterSpec cluster = new ClusterSpec(POS, UpstreamRegistry.CHECK_CLUSTER,
                List.of(new MemberSpec(POS, member.address(), 1, false)), member.tls(), PINNED.name(), List.of(),
                List.of(), Duration.ZERO, member.trust());
        this.pinned = new UpstreamCluster(PickerContext.of(cluster, List.of(ClusterMember.plain(own))), PINNED);
        // The check's own bound (health_timeout, connect to end) runs out first; the exchange's clocks are a backstop.
        long ms = Math.max(1, spec.timeout().toMillis()) + 1000;
        this.timeouts = new ProxyTimeouts(ms, ms, ms);
        this.firstDelayNanos = (long) (random.nextDouble() * spec.interval().toNanos());
    }

    MemberKey member() {
        return member;
    }

    HealthCheckSpec spec() {
        return spec;
    }

    int ioThread() {
        return thread.getNumber();
    }

    /** When the first check runs after {@link #start}: a random point of the first interval. */
    long firstDelayNanos() {
        return firstDelayNanos;
    }

    List<MemberState> subscribers() {
        return subscribers;
    }

    /** The member states (one per cluster) that hear each result from now on. */
    void subscribers(List<MemberState> states) {
        subscribers = List.copyOf(states);
    }

    void start() {
        onThread(() -> schedule(firstDelayNanos));
    }

    /** No more checks; one under way is given up. */
    void stop() {
        onThread(() -> {
            stopped = true;
            if (next != null) {
                next.remove();
                next = null;
            }
            if (!over) {
                over = true;
                deadline.remove();
                exchange.cancel();
                exchange = null;
            }
        });
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // the worker is stopping: nothing runs on it any more anyway
        }
    }

    private void schedule(long delayNanos) {
        if (stopped) {
            return;
        }
        next = thread.executeAfter(this::run, Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)), TimeUnit.MILLISECONDS);
    }

    private void run() {
        next = null;
        if (stopped) {
            return;
        }
        startedAt = System.nanoTime();
        status = -1;
        over = false;
        deadline = thread.executeAfter(this::tooLong, Math.max(1, spec.timeout().toMillis()), TimeUnit.MILLISECONDS);
        exchange = new MemberExchange(pinned, connector, timeouts, thread, this, RequestKey.NONE, this);
        try {
            exchange.start();
        } catch (RuntimeException e) {
            LOG.warn("the health check of {} could not start: {}", member, e.toString());
            exchange.cancel();
            done(false, "the check could not start: " + e);
        }
    }

    private void tooLong() {
        if (over) {
            return;
        }
        MemberExchange running = exchange;
        done(false, "no answer within " + Durations.format(spec.timeout()));
        running.cancel();
    }

    /** The check ended: every subscriber hears it, and the next one is scheduled. */
    private void done(boolean ok, String reason) {
        if (over) {
            return;
        }
        over = true;
        deadline.remove();
        exchange = null;
        CheckResult result = new CheckResult(wallClock.instant(), Duration.ofNanos(System.nanoTime() - startedAt), ok,
                reason);
        for (MemberState state : subscribers) {
            state.checkResult(spec, result);
        }
        long interval = spec.interval().toNanos();
        schedule((long) (interval * (0.9 + 0.2 * random.nextDouble())));
    }

    // ---- the request


    @Override
    public String target() {
        return spec.path();
    }

    @Override
    public void writeHead(HeaderSink head, MemberState m) {
        head.header(Headers.HOST, spec.host().orElseGet(() -> member.address().toString()));
        head.header(Headers.USER_AGENT, USER_AGENT_VALUE.toString());
        head.header(Headers.CONNECTION, "close");
    }






    @Override
    public boolean freshConnection() {
        return true;
    }

    // ---- the answer

    @Override
    public void head(ResponseHead head, long bodyLength) {
        status = head.status();
    }

    @Override
    public boolean body(ByteBuffer chunk) {
        chunk.position(chunk.limit()); // read and dropped
        return true;
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public void end() {
        boolean good = spec.status().contains(status);
        done(good, good ? "status " + status : "status " + status + ", not in " + spec.status());
    }

    @Override
    public void switched(StreamConnection connection, ByteBuffer early) {
        IoUtils.safeClose(connection); // never offered: the exchange refuses a 101 first
        done(false, "the member switched protocols");
    }

    @Override
    public void failed(Outcome outcome) {
        done(false, outcome.reason() != null ? outcome.reason() : outcome.kind().name());
    }

    @Override
    public String toString() {
        return "health check of " + member + " (" + spec.path() + " every " + Durations.format(spec.interval()) + ")";
    }

    /** A cluster of one that always picks its member, usable or not, unless already tried. */
    private static final BalancingStrategy PINNED = new BalancingStrategy() {
        @Override
        public String name() {
            return "pinned";
        }

        @Override
        public Picker newPicker(PickerContext context) {
            MemberState only = context.members().get(0).state();
            return (key, tried) -> tried.contains(only) ? null : only;
        }
    };
}
