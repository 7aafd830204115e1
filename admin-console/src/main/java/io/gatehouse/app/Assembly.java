package io.gatehouse.app;

import io.gatehouse.admin.Credentials;
import io.gatehouse.admin.jmx.GatehouseJmx;
import io.gatehouse.admin.jmx.RemoteJmx;
import io.gatehouse.admin.metrics.GatehouseMetrics;
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
import io.gatehouse.runtime.ConfHashes;
import io.gatehouse.runtime.Reloader;
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
import io.gatehouse.server.edge.EdgeRefusals;
import io.gatehouse.server.edge.StrictFramingConduit;
import io.gatehouse.upstream.UpstreamConnector;
import io.gatehouse.upstream.UpstreamRegistry;
import io.gatehouse.upstream.health.HealthChecks;
import io.gatehouse.view.PoolView;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
import org.xnio.XnioWorker;
import org.xnio.nio.NioXnioProvider;

/**
 * The one place where configuration, runtime, listeners, upstreams, the request log and the error log
 * are wired together. {@link #start} gives a running Gatehouse; {@link #stop} drains it.
 */
public final class Assembly implements AutoCloseable {
    /** Asked for when used, not when the class is loaded: {@link #start} first waits for {@link StartWarmup}. */
    private static Logger log() {
        return LoggerFactory.getLogger(Assembly.class);
    }

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
    /** Hot reload of {@code confDir}: the watcher, SIGHUP, {@code gatehouse reload}, the console. */
    private Reloader reloader;
    /** Requests by listener, cluster and member, and the rest (docs/metrics.md); sampled on {@code gatehouse-metrics}. */
    private final GatehouseMetrics metrics = new GatehouseMetrics();
    private final EdgeRefusals edgeRefusals = new EdgeRefusals();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "gatehouse-metrics");
        t.setDaemon(true);
        return t;
    });
    /**
     * The metrics and the Gatehouse and member MBeans in the platform MBean server: made by {@link #start}
     * once the listeners are bound (the platform MBean server takes a while to make, and the first
     * request need not wait for it), before {@code start} returns.
     */
    private GatehouseJmx jmx;
    /** Remote JMX, once {@link #startRemoteJmx} started it. */
    private RemoteJmx remoteJmx;
    private boolean stopped;
    /** The admin console and API ({@code [admin]}), or null when the configuration has no {@code [admin]}. */
    private io.gatehouse.admin.api.AdminServer admin;

    private Assembly(Path confDir, GatehouseConfig config, ErrorLog errorLog) throws IOException {
        this.confDir = confDir;
        this.errorLog = errorLog;
        int workers = Math.max(2, config.workerThreads());
        // NIO directly: Xnio.getInstance() looks for its provider in every jar of the class path
        this.worker = new NioXnioProvider().getInstance().createWorker(OptionMap.builder()
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
        this.builder = new RuntimeBuilder(registry, connector, sequence, bind -> log.andThen(metrics.listener(bind)),
                edgeRefusals, stages);
        this.certificates = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "gatehouse-certificates");
            t.setDaemon(true);
            return t;
        });
        ListenerTls tls = new ListenerTls(Clock.systemUTC());
        tls.watch(certificates, ListenerTls.CHECK_INTERVAL);
        this.listeners = new ListenerManager(worker, buffers, holder, inFlight, Assembly::strictFraming, tls,
                redirect -> ChainAssembler.redirectChain(log.andThen(metrics::record), sequence, redirect, edgeRefusals));
        this.resolver = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "gatehouse-resolver");
            t.setDaemon(true);
            return t;
        });
        resolver.scheduleWithFixedDelay(this::refreshAddresses, 1, 1, TimeUnit.SECONDS);
        metrics.edgeRefusals(edgeRefusals);
        metrics.inFlight(inFlight::count);
        metrics.openConnections(listeners.openConnections()::count);
        metrics.cache(cacheStage::cache);
        metrics.start(sampler);
    }

    private void startJmx() {
        jmx = new GatehouseJmx(ManagementFactory.getPlatformMBeanServer(), metrics, pool, holder::current,
                Gatehouse.version());
        jmx.start();
    }

    private void refreshAddresses() {
        try {
            registry.refreshAddresses();
        } catch (RuntimeException e) {
            log().warn("looking upstream host names up again failed: {}", e.toString());
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
        List<io.gatehouse.view.ConfigStatus.ConfigFile> files = ConfHashes.of(confDir); // before the load: see Reloader
        return start(confDir, files, ConfLoader.load(confDir, env, Modules.configChecks()), env, err);
    }

    /**
     * As {@link #start(Path, Map, PrintStream)}, with {@code confDir} loaded by the caller (with
     * {@link Modules#configChecks}) after it took the {@code files}' hashes, so that a start reads it once.
     */
    static Assembly start(Path confDir, List<io.gatehouse.view.ConfigStatus.ConfigFile> files, LoadOutcome loaded,
                          Map<String, String> env, PrintStream err) throws StartFailure {
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
        heapWarning(config.proxyPass(), java.lang.Runtime.getRuntime().maxMemory()).ifPresent(err::println);
        LogDirectory.prepare(config.log(), confDir);
        StartWarmup.awaitLogging();
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
            assembly.startJmx();
            assembly.reloader = new Reloader(confDir, config, files, () -> ConfLoader.load(confDir, env,
                    Modules.configChecks()), assembly::apply, () -> assembly.holder.current().generation(),
                    Clock.systemUTC()).watch();
            assembly.reloader.subscribe(assembly.metrics::reloaded);
            assembly.jmx.reloadControl(assembly.reloader);
            assembly.startAdmin(config);
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
     * A warning when the response cache's memory tier would take more than half of the heap Gatehouse
     * may use ({@code maxHeap} bytes, {@link java.lang.Runtime#maxMemory}): the rest is needed for the
     * requests in flight, and a full heap ends the process. The launcher's heap is small by default
     * (docs/performance.md); {@code GATEHOUSE_HEAP} raises it.
     */
    static java.util.Optional<String> heapWarning(io.gatehouse.config.model.ProxyPassSpec proxyPass, long maxHeap) {
        long tier = proxyPass.cacheMemoryBytes();
        if (tier <= maxHeap / 2) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(proxyPass.pos() + ": [proxypass] cache_memory = " + proxyPass.cacheMemoryMb()
                + " MB is more than half of the heap this Gatehouse may use (" + (maxHeap >> 20) + " MB); raise the heap"
                + " (GATEHOUSE_HEAP=" + Math.max(64, 2 * proxyPass.cacheMemoryMb() + 32) + "m for ./gatehouse, else -Xmx) or"
                + " lower cache_memory (docs/performance.md)");
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
                metrics.listeners(previous.binds());
            }
            throw e;
        }
        registry.retainOnly(next.upstreams());
        checks.reconcile(next.clusters());
        metrics.prepare(pool.snapshot());
        metrics.listeners(next.binds());
        if (jmx != null) {
            jmx.syncMembers();
        }
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
     * Hot reload: {@code reload(trigger)} reads {@code confDir} again and puts it in service if valid,
     * {@code status()} says where the configuration stands; {@link Reloader#subscribe} to hear of each attempt.
     */
    public Reloader reloads() {
        return reloader;
    }

    /**
     * Starts the admin listener of {@code config}'s {@code [admin]}, if any, and remote JMX on its
     * {@code jmx_port} with the same credentials and, when {@code [admin]} has a certificate, over TLS.
     */
    private void startAdmin(GatehouseConfig config) throws StartFailure {
        if (config.admin().isEmpty()) {
            return;
        }
        io.gatehouse.config.model.AdminSpec spec = config.admin().get();
        Credentials credentials = new io.gatehouse.admin.security.SpecCredentials(spec);
        io.gatehouse.admin.api.AdminContext context = new io.gatehouse.admin.api.AdminContext(pool, holder::current,
                this::address, logRing, this::cache, reloader, metrics, credentials);
        try {
            admin = io.gatehouse.admin.api.AdminServer.start(spec, context);
        } catch (RuntimeException e) {
            throw new StartFailure(List.of(spec.pos() + ": [admin] cannot serve the admin console on " + spec.bind()
                    + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
        }
        if (spec.jmx()) {
            try {
                startRemoteJmx(java.net.InetAddress.getByName(spec.bind().host()), spec.jmxPort(), credentials,
                        admin.sslContext().orElse(null));
            } catch (IOException | RuntimeException e) {
                throw new StartFailure(List.of(spec.keys().of("jmx_port") + ": [admin] cannot serve remote JMX on "
                        + spec.bind().host() + ":" + spec.jmxPort() + ": " + IoErrors.describe(e)));
            }
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

    /** The metrics: {@code /stats.json}, the console's series, and {@link GatehouseMetrics#reloaded} for the reloader. */
    public GatehouseMetrics metrics() {
        return metrics;
    }

    /** Gatehouse in the platform MBean server; give it the reloader ({@link GatehouseJmx#reloadControl}). */
    public GatehouseJmx jmx() {
        return jmx;
    }

    /**
     * Starts remote JMX ({@code [admin] jmx_port}) on {@code bind}:{@code port} for the platform MBean
     * server, with the admin {@code credentials}, over TLS with {@code ssl} when not null; it stops with
     * Gatehouse.
     */
    public synchronized RemoteJmx startRemoteJmx(java.net.InetAddress bind, int port, Credentials credentials,
                                                 javax.net.ssl.SSLContext ssl) throws IOException {
        if (stopped || remoteJmx != null) {
            throw new IllegalStateException(stopped ? "Gatehouse is stopped" : "remote JMX is already on " + remoteJmx.serviceUrl());
        }
        remoteJmx = RemoteJmx.start(ManagementFactory.getPlatformMBeanServer(), bind, port, credentials, ssl);
        return remoteJmx;
    }

    /** Remote JMX, when {@code [admin] jmx_port} (or {@link #startRemoteJmx}) started it. */
    public synchronized java.util.Optional<RemoteJmx> remoteJmx() {
        return java.util.Optional.ofNullable(remoteJmx);
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
        if (reloader != null) {
            reloader.close();
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
            log().warn("{} requests still in flight after {} s; closing them", inFlight.count(), drain.toSeconds());
        }
        listeners.close();
        if (remoteJmx != null) {
            remoteJmx.close();
        }
        if (jmx != null) {
            jmx.close();
        }
        metrics.close();
        sampler.shutdownNow();
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
