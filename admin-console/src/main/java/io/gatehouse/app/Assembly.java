package io.gatehouse.app;

import io.gatehouse.auth.chain.AuthStages;
import io.gatehouse.auth.tls.PemClientKeys;
import io.gatehouse.cache.handler.CacheStageFactory;
import io.gatehouse.cache.handler.ResponseCache;
import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.TuneFactors;
import io.gatehouse.config.source.IoErrors;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.log.RequestLogRing;
import io.gatehouse.log.RequestLogSink;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.runtime.RuntimeBuilder;
import io.gatehouse.runtime.RuntimeHolder;
import io.gatehouse.auth.tls.ListenerTls;
import io.gatehouse.server.BufferPool;
import io.gatehouse.server.ChainAssembler;
import io.gatehouse.server.ConnectionGuard;
import io.gatehouse.server.InFlight;
import io.gatehouse.server.ListenFailure;
import io.gatehouse.server.ListenerManager;
import io.gatehouse.server.edge.EdgeLimits;
import io.gatehouse.server.edge.StrictFramingConduit;
import io.gatehouse.upstream.UpstreamConnector;
import io.gatehouse.upstream.UpstreamRegistry;
import io.gatehouse.upstream.health.HealthChecks;
import io.gatehouse.view.PoolView;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The one place where configuration, runtime, listeners, upstreams, the request log and the error log
 * are wired together. {@link #start} gives a running Gatehouse; {@link #stop} drains it.
 */
public final class Assembly implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

    /** Idle keep-alive connections kept per member and IO thread. */
    private static final int MAX_IDLE_PER_MEMBER_THREAD = 64;

    private final Path confDir;
    private final XnioWorker worker;
    private final RuntimeHolder holder = new RuntimeHolder();
    private final InFlight inFlight = new InFlight();
    private final RequestLogSink logSink;
    private final RequestLogRing logRing;
    private final UpstreamRegistry registry;
    /** The active health checks of the generation in service, on the IO threads. */
    private final HealthChecks checks;
    private final PoolView pool;
    /** The response cache stage; its cache is opened by the first configuration that caches anything. */
    private final CacheStageFactory cacheStage = new CacheStageFactory(ResponseCache::open);
    /** Client address, ips, bearer token and roles; JWKS and token files load on its own thread. */
    private final AuthStages authStages = new AuthStages(Clock.systemUTC(), Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "gatehouse-auth-loader");
        t.setDaemon(true);
        return t;
    }));
    private final RuntimeBuilder builder;
    private final ListenerManager listeners;
    /** Looks member host names up again ({@code resolve_interval}): blocking lookups, never on an IO thread. */
    private final ScheduledExecutorService resolver;
    /** Reads TLS listeners' certificate files again when they change ({@code ListenerTls.watch}): never an IO thread. */
    private final ScheduledExecutorService certificates;
    /** The error log, or null when SLF4J's backend is not logback. */
    private final ErrorLog errorLog;
    private boolean stopped;
    /** The admin console and API ({@code [admin]}), or null when the configuration has no {@code [admin]}. */
    private io.gatehouse.admin.api.AdminServer admin;

    private Assembly(Path confDir, GatehouseConfig config, ErrorLog errorLog) throws IOException {
        this.confDir = confDir;
        this.errorLog = errorLog;
        int workers = Math.max(2, config.workerThreads());
        this.worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "gatehouse")
                .set(Options.WORKER_IO_THREADS, config.ioThreads())
                .set(Options.WORKER_TASK_CORE_THREADS, workers)
                .set(Options.WORKER_TASK_MAX_THREADS, workers)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        ByteBufferPool buffers = new BufferPool(true, 16 * 1024, 64, 4096);
        this.logSink = new RequestLogSink(config.log().dir(), config.log().retainDays(), Clock.systemDefaultZone());
        this.logRing = new RequestLogRing(config.log().ringSize());
        Consumer<RequestLogRecord> log = record -> {
            logRing.add(record);
            logSink.offer(record);
        };
        this.registry = new UpstreamRegistry(worker, MAX_IDLE_PER_MEMBER_THREAD);
        UpstreamConnector connector = new UpstreamConnector(buffers, new PemClientKeys(Clock.systemUTC()));
        this.checks = new HealthChecks(registry, connector, worker);
        this.pool = new PoolView(holder::current);
        List<io.gatehouse.spi.StageFactory> stages = new ArrayList<>(authStages.factories());
        stages.add(cacheStage);
        AtomicLong sequence = new AtomicLong();
        this.builder = new RuntimeBuilder(registry, connector, sequence, log, stages);
        this.certificates = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "gatehouse-certificates");
            t.setDaemon(true);
            return t;
        });
        ListenerTls tls = new ListenerTls(Clock.systemUTC());
        tls.watch(certificates, ListenerTls.CHECK_INTERVAL);
        this.listeners = new ListenerManager(worker, buffers, holder, inFlight, Assembly::strictFraming, tls,
                redirect -> ChainAssembler.redirectChain(log, sequence, redirect));
        this.resolver = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "gatehouse-resolver");
            t.setDaemon(true);
            return t;
        });
        resolver.scheduleWithFixedDelay(this::refreshAddresses, 1, 1, TimeUnit.SECONDS);
    }

    private void refreshAddresses() {
        try {
            registry.refreshAddresses();
        } catch (RuntimeException e) {
            LOG.warn("looking upstream host names up again failed: {}", e.toString());
        }
    }

    private static ConnectionGuard strictFraming(TuneFactors tune) {
        EdgeLimits limits = new EdgeLimits((int) tune.maxHeaderSize(), EdgeLimits.DEFAULTS.maxRequestLine(),
                EdgeLimits.DEFAULTS.maxHeaders(), tune.headerTimeout());
        return connection -> StrictFramingConduit.install(connection, limits);
    }

    /**
     * Loads {@code confDir}, builds the runtime and binds every listener. Warnings go to {@code err};
     * any error stops the start with every problem listed.
     */
    public static Assembly start(Path confDir, Map<String, String> env, PrintStream err) throws StartFailure {
        LoadOutcome loaded = ConfLoader.load(confDir, env, Modules.configChecks());
        List<String> errors = new ArrayList<>();
        for (Problem p : loaded.problems()) {
            if (p.isError()) {
                errors.add(p.toString());
            } else {
                err.println(p);
            }
        }
        if (loaded.config().isEmpty()) {
            throw new StartFailure(errors);
        }
        GatehouseConfig config = loaded.config().get();
        LogDirectory.prepare(config.log(), confDir);
        ErrorLog errorLog = ErrorLog.open(config.log(), env.get(ErrorLog.LEVEL_VARIABLE));
        Assembly assembly;
        try {
            assembly = new Assembly(confDir, config, errorLog);
        } catch (IOException e) {
            if (errorLog != null) {
                errorLog.close();
            }
            throw new StartFailure(List.of(confDir + ": cannot start: " + IoErrors.describe(e)));
        }
        try {
            RuntimeBuilder.Outcome built = assembly.builder.build(config);
            List<String> problems = new ArrayList<>();
            for (Problem p : built.problems()) {
                if (p.isError()) {
                    problems.add(p.toString());
                } else {
                    err.println(p);
                }
            }
            if (built.runtime().isEmpty()) {
                throw new StartFailure(problems);
            }
            assembly.install(built.runtime().get());
            assembly.startAdmin(config, env);
            return assembly;
        } catch (ListenFailure e) {
            assembly.close();
            throw new StartFailure(List.of(e.toString()));
        } catch (StartFailure e) {
            assembly.close();
            throw e;
        }
    }

    /**
     * Puts a built generation into service: the registry adopts its members, it is swapped in, the
     * listeners are made to match it, members it no longer lists are retired (their idle
     * connections close; requests of the old generation still in flight finish), and the active health
     * checks are made to match it. If a listener cannot be bound, the previous generation and its
     * members (with their policies) are put back and nothing else changed.
     */
    private void install(Runtime next) throws ListenFailure {
        registry.adopt(next.upstreams());
        Runtime previous = holder.swap(next);
        try {
            listeners.reconcile(next.config());
        } catch (ListenFailure e) {
            holder.swap(previous);
            if (previous != null) {
                registry.adopt(previous.upstreams());
                registry.retainOnly(previous.upstreams());
            }
            throw e;
        }
        registry.retainOnly(next.upstreams());
        checks.reconcile(next.clusters());
    }

    /**
     * Builds {@code config} and puts it in service in place of the generation serving now, as a reload
     * does (members that did not change keep their health, counters and connections). Returns the
     * build's problems; when any is an error, nothing changed.
     *
     * @throws ListenFailure a new listener could not be bound; the previous generation was put back
     */
    public synchronized List<Problem> apply(GatehouseConfig config) throws ListenFailure {
        if (stopped) {
            throw new IllegalStateException("Gatehouse is stopped");
        }
        RuntimeBuilder.Outcome built = builder.build(config);
        if (built.runtime().isPresent()) {
            install(built.runtime().get());
        }
        return built.problems();
    }

    /**
     * Starts the admin listener of {@code config}'s {@code [admin]}, if any. INTEGRATOR: the reload control
     * and the statistics below are interim (replace with {@code reloads()} and the metrics' StatsSource).
     */
    private void startAdmin(GatehouseConfig config, Map<String, String> env) throws StartFailure {
        if (config.admin().isEmpty()) {
            return;
        }
        io.gatehouse.admin.StatsSource stats = new io.gatehouse.admin.StatsSource() {
            @Override
            public String statsJson() {
                return "{}"; // interim, until the metrics module is wired in
            }

            @Override
            public List<TrafficPoint> series() {
                return List.of();
            }
        };
        io.gatehouse.config.model.AdminSpec spec = config.admin().get();
        io.gatehouse.admin.api.AdminContext context = new io.gatehouse.admin.api.AdminContext(pool, holder::current,
                this::address, logRing, this::cache, new InterimReloadControl(this, env, Clock.systemUTC()), stats,
                new io.gatehouse.admin.security.SpecCredentials(spec));
        try {
            admin = io.gatehouse.admin.api.AdminServer.start(spec, context);
        } catch (RuntimeException e) {
            throw new StartFailure(List.of(spec.pos() + ": [admin] cannot serve the admin console on " + spec.bind()
                    + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
        }
    }

    /** The admin listener, when {@code [admin]} is configured. */
    public java.util.Optional<io.gatehouse.admin.api.AdminServer> admin() {
        return java.util.Optional.ofNullable(admin);
    }

    public Path confDir() {
        return confDir;
    }

    public Runtime runtime() {
        return holder.current();
    }

    public RequestLogRing requestLog() {
        return logRing;
    }

    /** The event loops serving connections ({@code processes}). */
    public int ioThreads() {
        return worker.getIoThreadCount();
    }

    public UpstreamRegistry upstreams() {
        return registry;
    }

    /** The pool view: every cluster's members, their state and traffic; draining. */
    public PoolView pool() {
        return pool;
    }

    /** The active health checks running. */
    public HealthChecks healthChecks() {
        return checks;
    }

    /** Where each configured listener is bound. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ListenerSpec l : holder.current().config().listeners()) {
            out.add(listeners.boundAddress(l.bind()));
        }
        return out;
    }

    /**
     * The response cache, once a configuration asked for one: the admin console's purge and statistics.
     * Empty while nothing is cached.
     */
    public java.util.Optional<ResponseCache> cache() {
        return cacheStage.cache();
    }

    public InetSocketAddress address(HostPort bind) {
        return listeners.boundAddress(bind);
    }

    /**
     * Graceful stop: no new connections, in-flight requests finish (up to {@code drain}), then
     * everything closes and the request log is flushed. Returns true when nothing was cut off.
     */
    public synchronized boolean stop(Duration drain) {
        if (stopped) {
            return true;
        }
        stopped = true;
        if (admin != null) {
            admin.stop();
        }
        listeners.stopAccepting();
        inFlight.startDraining();
        boolean drained;
        try {
            drained = inFlight.awaitDrained(drain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            LOG.warn("{} requests still in flight after {} s; closing them", inFlight.count(), drain.toSeconds());
        }
        listeners.close();
        checks.close();
        resolver.shutdownNow();
        certificates.shutdownNow();
        worker.shutdown();
        try {
            worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cacheStage.close();
        authStages.close();
        logSink.close();
        if (errorLog != null) {
            errorLog.close();
        }
        return drained;
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
