package io.gatehouse.admin.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.gatehouse.admin.StatsSource;
import io.gatehouse.cache.handler.ResponseCache;
import io.gatehouse.cache.store.CacheStatsView;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.json.Json;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.server.edge.EdgeRefusals;
import io.gatehouse.view.ClusterView;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gatehouse's metrics: request rate and latency per listener, cluster and member, answers by status
 * class, bytes in and out, requests in flight, cache hits and misses per tier, reloads and edge refusals,
 * in one Dropwizard {@link MetricRegistry} (names in {@code docs/metrics.md}). Every request is recorded
 * from its request-log record on the IO thread that served it, as plain adds to that thread's own
 * {@link ThreadTallies} stripe (no lock, no atomic instruction, no allocation); one
 * sampler thread ({@link #start}) takes the latency distributions every {@link #INTERVAL} into the
 * snapshots that JMX, the console and {@code /stats.json} read, and keeps the last 15 minutes of
 * traffic for the console's chart ({@link #series()}).
 */
public final class GatehouseMetrics implements StatsSource {
    private static final Logger LOG = LoggerFactory.getLogger(GatehouseMetrics.class);

    /** How often the sampler runs. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** How far back {@link #series()} goes. */
    public static final Duration SERIES_SPAN = Duration.ofMinutes(15);
    /** Samples per latency window: the snapshots cover the last one to two minutes. */
    private static final int WINDOW_SAMPLES = 12;

    private final MetricRegistry registry = new MetricRegistry();
    private final MetricNames names = new MetricNames();
    private final Clock clock;
    private final LongSupplier nanoClock;
    /** Where the request threads count, each on its own stripe. */
    private final ThreadTallies tallies = new ThreadTallies();
    private final List<TalliedReservoir> reservoirs = new CopyOnWriteArrayList<>();
    /** The rates of every meter and timer, moved by the sampler (a mark is one add). */
    private final List<SampledRates> rates = new CopyOnWriteArrayList<>();

    private final TalliedTimer requests;
    private final TalliedMeter[] statusClasses = new TalliedMeter[5];
    private final TalliedMeter bytesIn;
    private final TalliedMeter bytesOut;
    private final Counter reloadsApplied;
    private final Counter reloadsRefused;
    private final Map<String, ClusterTimers> clusters = new ConcurrentHashMap<>();
    /** The timer of each listener in service (or built by a reload not yet in service); guarded by {@code this}. */
    private final Map<HostPort, TalliedTimer> listeners = new HashMap<>();

    private volatile Supplier<Optional<ResponseCache>> cache = Optional::empty;
    private volatile CacheStatsView cacheStats;
    private volatile ReloadOutcome lastReload;
    private volatile List<TrafficPoint> series = List.of();

    // the sampler thread's own state
    private final ArrayDeque<TrafficPoint> points = new ArrayDeque<>();
    private long lastRequests;
    private long lastErrors;
    private long lastSampleNanos;
    private ScheduledFuture<?> sampling;

    /** A cluster's timer and its members' timers by {@code host:port}. */
    private record ClusterTimers(TalliedTimer timer, Map<String, TalliedTimer> members) {
    }

    /** How long a removed timer's numbers rest before another timer takes them. */
    static final Duration RETIRED_REST = Duration.ofMinutes(1);

    /** A removed timer whose numbers go back to the tallies once it has rested. */
    private record Retired(TalliedTimer timer, long sinceNanos) {
    }

    /**
     * The clusters ({@code name}) and members ({@code name host:port}) of the pool in service, or null
     * before the first one: a request of an older pool that ends later does not bring back the timers of
     * what the new one removed.
     */
    private volatile Set<String> inService;
    /** Removed timers resting; the sampler gives their numbers back. */
    private final Queue<Retired> retired = new ConcurrentLinkedQueue<>();

    public GatehouseMetrics() {
        this(Clock.systemUTC(), System::nanoTime);
    }

    /**
     * @param clock     stamps the series' points and {@code /stats.json}
     * @param nanoClock measures the sampling intervals
     */
    public GatehouseMetrics(Clock clock, LongSupplier nanoClock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.lastSampleNanos = nanoClock.getAsLong();
        this.requests = timer("requests", MetricNames.of("type", "Traffic", "name", "requests"));
        for (int i = 0; i < statusClasses.length; i++) {
            String c = (i + 1) + "xx";
            statusClasses[i] = register("responses." + c, MetricNames.of("type", "Traffic", "name", "responses." + c),
                    SampledRates.meter(tallies, tallies.counter(), rates::add));
        }
        this.bytesIn = register("bytes.in", MetricNames.of("type", "Traffic", "name", "bytes.in"),
                SampledRates.meter(tallies, tallies.counter(), rates::add));
        this.bytesOut = register("bytes.out", MetricNames.of("type", "Traffic", "name", "bytes.out"),
                SampledRates.meter(tallies, tallies.counter(), rates::add));
        this.reloadsApplied = register("reloads.applied", MetricNames.of("type", "Reloads", "name", "applied"), new Counter());
        this.reloadsRefused = register("reloads.refused", MetricNames.of("type", "Reloads", "name", "refused"), new Counter());
    }

    /** The registry every metric is in. */
    public MetricRegistry registry() {
        return registry;
    }

    /** The JMX names of the metrics, for the reporter. */
    public MetricNames names() {
        return names;
    }

    /**
     * Records the request of {@code record}, served by no particular listener ({@code redirect_http}
     * listeners). On the IO thread: no lock, no atomic instruction, no allocation once its cluster and
     * member are known: plain adds to the thread's own {@link ThreadTallies} stripe.
     */
    public void record(RequestLogRecord record) {
        record(tallies.stripe(), record, millis(record));
    }

    private static long millis(RequestLogRecord record) {
        return Math.max(0, record.handlingMs()) + Math.max(0, record.sendingMs());
    }

    private void record(ThreadTallies.Stripe s, RequestLogRecord record, long millis) {
        requests.record(s, millis);
        int statusClass = record.status() / 100;
        if (statusClass >= 1 && statusClass <= 5) {
            statusClasses[statusClass - 1].mark(s, 1);
        }
        bytesIn.mark(s, Math.max(0, record.bytesRecv()));
        bytesOut.mark(s, Math.max(0, record.bytesSent()));
        String cluster = record.cluster();
        if (cluster != null) {
            ClusterTimers c = clusters.get(cluster);
            if (c == null) {
                if (!inService(cluster)) {
                    return;
                }
                c = cluster(cluster);
            }
            c.timer.record(s, millis);
            String member = record.member();
            if (member != null) {
                TalliedTimer m = c.members.get(member);
                if (m == null) {
                    if (!inService(memberKey(cluster, member))) {
                        return;
                    }
                    m = member(cluster, c, member);
                }
                m.record(s, millis);
            }
        }
    }

    /**
     * What records the requests of the listener on {@code bind}: its own timer, then {@link #record}.
     * Made once per listener and configuration build (not per request).
     */
    public Consumer<RequestLogRecord> listener(HostPort bind) {
        TalliedTimer listener;
        synchronized (this) {
            listener = listeners.computeIfAbsent(bind, b -> timer(listenerName(b),
                    MetricNames.of("type", "Listener", "name", b.toString(), "metric", "requests")));
        }
        return record -> {
            ThreadTallies.Stripe s = tallies.stripe();
            long millis = millis(record);
            listener.record(s, millis);
            record(s, record, millis);
        };
    }

    /** Counts a reload's outcome (applied or refused); the reloader's listener. */
    public void reloaded(ReloadOutcome outcome) {
        lastReload = outcome;
        (outcome.applied() ? reloadsApplied : reloadsRefused).inc();
    }

    /** The last reload counted, if any. */
    public Optional<ReloadOutcome> lastReload() {
        return Optional.ofNullable(lastReload);
    }

    /** Publishes the edge's refusals: {@code edge.refused} (all) and {@code edge.refused.REASON}. */
    public void edgeRefusals(EdgeRefusals refusals) {
        register("edge.refused", MetricNames.of("type", "EdgeRefusals", "reason", "all"), (Gauge<Long>) refusals::total);
        for (String key : EdgeRefusals.keys()) {
            register("edge.refused." + key, MetricNames.of("type", "EdgeRefusals", "reason", key),
                    (Gauge<Long>) () -> refusals.count(key));
        }
    }

    /** Publishes {@code requests.in_flight}: requests being served now, over every listener. */
    public void inFlight(IntSupplier count) {
        register("requests.in_flight", MetricNames.of("type", "Traffic", "name", "requests.in_flight"),
                (Gauge<Integer>) count::getAsInt);
    }

    /** Publishes {@code connections.active}: client connections open now, over every listener. */
    public void openConnections(LongSupplier count) {
        register("connections.active", MetricNames.of("type", "Traffic", "name", "connections.active"),
                (Gauge<Long>) count::getAsLong);
    }

    /**
     * Where the response cache is, once a configuration opens one: the sampler then publishes its hits
     * and misses per tier ({@code cache.memory.hits}...), read from {@link ResponseCache#stats()} at each sample.
     */
    public void cache(Supplier<Optional<ResponseCache>> cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** Runs the sampler on {@code sampler} (one thread) every {@link #INTERVAL} until {@link #close()}. */
    public synchronized void start(ScheduledExecutorService sampler) {
        long ms = INTERVAL.toMillis();
        sampling = sampler.scheduleAtFixedRate(this::sampleSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Stops sampling. */
    public synchronized void close() {
        if (sampling != null) {
            sampling.cancel(false);
        }
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("sampling the metrics failed: {}", e.toString());
        }
    }

    /**
     * One sample: every latency distribution's snapshot and rates, the cache's statistics, and one point
     * of the series. Only the sampler thread calls it (tests call it in its stead).
     */
    void sample() {
        Optional<ResponseCache> responseCache = cache.get();
        if (responseCache.isPresent()) {
            if (cacheStats == null) {
                cacheStats = responseCache.get().stats();
                cacheGauges();
            } else {
                cacheStats = responseCache.get().stats();
            }
        }
        for (TalliedReservoir r : reservoirs) {
            r.sample();
        }
        for (SampledRates r : rates) {
            r.sample();
        }
        long now = nanoClock.getAsLong();
        freeRested(now);
        double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        lastSampleNanos = now;
        long count = requests.getCount();
        long errors = statusClasses[4].getCount();
        TrafficPoint point = new TrafficPoint(clock.instant(), (count - lastRequests) / seconds,
                requests.reservoir().lastIntervalP99() / 1e6, (errors - lastErrors) / seconds);
        lastRequests = count;
        lastErrors = errors;
        points.addLast(point);
        while (points.size() > SERIES_SPAN.toMillis() / INTERVAL.toMillis()) {
            points.removeFirst();
        }
        series = List.copyOf(points);
    }

    /** Whether the pool in service has {@code key} (a cluster, or a cluster and member); true before any pool. */
    private boolean inService(String key) {
        Set<String> known = inService;
        return known == null || known.contains(key);
    }

    /**
     * Makes the timers of every cluster and member {@code pool} lists that have none yet, so that the
     * IO threads find them, and removes those of the clusters and members it no longer has (from the
     * registry, JMX and the sampler; their counts go with them, as HAProxy's go with a removed server);
     * call it when a generation is put in service. A member removed and added back starts from zero.
     */
    public synchronized void prepare(PoolSnapshot pool) {
        Set<String> known = new HashSet<>();
        for (ClusterView c : pool.clusters()) {
            known.add(c.name());
            ClusterTimers timers = clusters.get(c.name());
            if (timers == null) {
                timers = cluster(c.name());
            }
            for (MemberView m : c.members()) {
                known.add(memberKey(c.name(), m.address()));
                if (!timers.members.containsKey(m.address())) {
                    member(c.name(), timers, m.address());
                }
            }
        }
        inService = Set.copyOf(known);
        for (Map.Entry<String, ClusterTimers> c : clusters.entrySet()) {
            String cluster = c.getKey();
            for (String member : c.getValue().members.keySet()) {
                if (!known.contains(memberKey(cluster, member))) {
                    retire(memberName(cluster, member), c.getValue().members.remove(member));
                }
            }
            if (!known.contains(cluster)) {
                clusters.remove(cluster);
                retire(clusterName(cluster), c.getValue().timer);
            }
        }
    }

    /**
     * Removes the timers of the listeners not in {@code inService} (the binds of the generation just put in
     * service), as {@link #prepare} does for clusters and members: a listener a reload removed leaves the
     * registry, JMX and the sampler, and one added back later starts from zero. Also takes back the timer
     * of a listener a refused reload built but never put in service.
     */
    public synchronized void listeners(Set<HostPort> inService) {
        for (Iterator<Map.Entry<HostPort, TalliedTimer>> it = listeners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HostPort, TalliedTimer> e = it.next();
            if (!inService.contains(e.getKey())) {
                it.remove();
                retire(listenerName(e.getKey()), e.getValue());
            }
        }
    }

    private static String listenerName(HostPort bind) {
        return "listener." + bind + ".requests";
    }

    private void retire(String name, TalliedTimer timer) {
        synchronized (registry) {
            registry.remove(name);
        }
        names.unbind(name);
        reservoirs.remove(timer.reservoir());
        rates.remove(timer.rates());
        retired.add(new Retired(timer, nanoClock.getAsLong()));
    }

    /** The numbers of the timers removed at least {@link #RETIRED_REST} ago go back to the tallies. */
    private void freeRested(long now) {
        Retired r;
        while ((r = retired.peek()) != null && now - r.sinceNanos >= RETIRED_REST.toNanos()) {
            retired.poll();
            tallies.free(r.timer.reservoir().timer, r.timer.reservoir().counter);
        }
    }

    /** Latency distributions the sampler moves (tests). */
    int sampled() {
        return reservoirs.size();
    }

    private void cacheGauges() {
        register("cache.memory.hits", MetricNames.of("type", "Cache", "tier", "memory", "metric", "hits"),
                (Gauge<Long>) () -> cacheStats.memoryHits());
        register("cache.memory.misses", MetricNames.of("type", "Cache", "tier", "memory", "metric", "misses"),
                (Gauge<Long>) () -> cacheStats.memoryMisses());
        register("cache.disk.hits", MetricNames.of("type", "Cache", "tier", "disk", "metric", "hits"),
                (Gauge<Long>) () -> cacheStats.diskHits());
        register("cache.disk.misses", MetricNames.of("type", "Cache", "tier", "disk", "metric", "misses"),
                (Gauge<Long>) () -> cacheStats.diskMisses());
        register("cache.hit_ratio", MetricNames.of("type", "Cache", "tier", "all", "metric", "hit_ratio"),
                (Gauge<Double>) () -> cacheStats.hitRatio());
    }

    /** The rare path: a cluster seen for the first time. */
    private ClusterTimers cluster(String name) {
        return clusters.computeIfAbsent(name, n -> new ClusterTimers(
                timer(clusterName(n), MetricNames.of("type", "Cluster", "name", n, "metric", "requests")),
                new ConcurrentHashMap<>()));
    }

    /** The rare path: a member seen for the first time. */
    private TalliedTimer member(String cluster, ClusterTimers timers, String member) {
        return timers.members.computeIfAbsent(member, m -> timer(memberName(cluster, m),
                MetricNames.of("type", "Member", "cluster", cluster, "member", m, "metric", "requests")));
    }

    /** A member's key in {@link #inService} (a cluster's is its name). */
    private static String memberKey(String cluster, String member) {
        return cluster + " " + member;
    }

    private static String clusterName(String cluster) {
        return "cluster." + cluster + ".requests";
    }

    private static String memberName(String cluster, String member) {
        return "member." + cluster + "." + member + ".requests";
    }

    /** The timer called {@code name}: the one registered, or a new one. */
    private TalliedTimer timer(String name, javax.management.ObjectName objectName) {
        synchronized (registry) {
            Timer existing = registry.getTimers().get(name);
            if (existing != null) {
                return (TalliedTimer) existing;
            }
            return register(name, objectName, TalliedTimer.create(tallies, WINDOW_SAMPLES, rates::add, reservoirs::add));
        }
    }

    private <T extends Metric> T register(String name, javax.management.ObjectName objectName, T metric) {
        names.bind(name, objectName);
        return registry.register(name, metric);
    }

    @Override
    public List<TrafficPoint> series() {
        return series;
    }

    /**
     * The {@code /stats.json} document: {@code at}, {@code interval_seconds}, then {@code counters},
     * {@code gauges}, {@code meters} (count and rates per second) and {@code timers} (count, rates, and the
     * last snapshot's percentiles in milliseconds), each an object by metric name.
     */
    @Override
    public String statsJson() {
        StringBuilder out = new StringBuilder(4096);
        out.append("{\"at\":");
        Json.string(out, clock.instant().toString());
        out.append(",\"interval_seconds\":").append(INTERVAL.toSeconds());
        out.append(",\"counters\":{");
        String sep = "";
        for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
            out.append(sep);
            Json.string(out, e.getKey()).append(':').append(e.getValue().getCount());
            sep = ",";
        }
        out.append("},\"gauges\":{");
        sep = "";
        for (Map.Entry<String, Gauge<?>> e : gauges()) {
            out.append(sep);
            Json.string(out, e.getKey()).append(':');
            Object v = e.getValue().getValue();
            if (v instanceof Number n) {
                number(out, n.doubleValue(), n instanceof Double || n instanceof Float);
            } else if (v instanceof Boolean b) {
                out.append(b);
            } else {
                Json.string(out, v == null ? null : v.toString());
            }
            sep = ",";
        }
        out.append("},\"meters\":{");
        sep = "";
        for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
            out.append(sep);
            Json.string(out, e.getKey()).append(":{");
            rates(out, e.getValue());
            out.append('}');
            sep = ",";
        }
        out.append("},\"timers\":{");
        sep = "";
        for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
            out.append(sep);
            Json.string(out, e.getKey()).append(":{");
            Timer t = e.getValue();
            rates(out, t);
            Snapshot s = t.getSnapshot();
            millis(out, "min", s.getMin());
            millis(out, "mean", s.getMean());
            millis(out, "p50", s.getMedian());
            millis(out, "p75", s.get75thPercentile());
            millis(out, "p95", s.get95thPercentile());
            millis(out, "p99", s.get99thPercentile());
            millis(out, "p999", s.get999thPercentile());
            millis(out, "max", s.getMax());
            out.append(",\"duration_units\":\"milliseconds\"}");
            sep = ",";
        }
        return out.append("}}").toString();
    }

    /** The registry's gauges, typed (Dropwizard hands them out raw). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private java.util.Set<Map.Entry<String, Gauge<?>>> gauges() {
        java.util.SortedMap gauges = registry.getGauges();
        return (java.util.Set<Map.Entry<String, Gauge<?>>>) gauges.entrySet();
    }

    private static void rates(StringBuilder out, com.codahale.metrics.Metered m) {
        out.append("\"count\":").append(m.getCount());
        out.append(",\"m1_rate\":");
        number(out, m.getOneMinuteRate(), true);
        out.append(",\"m5_rate\":");
        number(out, m.getFiveMinuteRate(), true);
        out.append(",\"m15_rate\":");
        number(out, m.getFifteenMinuteRate(), true);
        out.append(",\"mean_rate\":");
        number(out, m.getMeanRate(), true);
        out.append(",\"units\":\"per second\"");
    }

    private static void millis(StringBuilder out, String key, double nanos) {
        out.append(",\"").append(key).append("\":");
        number(out, nanos / 1e6, true);
    }

    private static void number(StringBuilder out, double v, boolean fractional) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            out.append("null");
        } else if (!fractional) {
            out.append((long) v);
        } else {
            out.append(Math.round(v * 1000) / 1000.0);
        }
    }
}
