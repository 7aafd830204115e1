package io.gatehouse.runtime;

import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.bind.Problems;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.FixedResponseTarget;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPattern;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.config.model.RedirectTarget;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.StaticDirTarget;
import io.gatehouse.config.model.Target;
import io.gatehouse.config.model.TargetVisitor;
import io.gatehouse.config.model.UpstreamUrlTarget;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.handler.BodyLimitHandler;
import io.gatehouse.handler.FixedResponseHandler;
import io.gatehouse.handler.RedirectHandler;
import io.gatehouse.handler.StaticFilesHandler;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.routing.HostRouter;
import io.gatehouse.routing.RouteTable;
import io.gatehouse.server.ChainAssembler;
import io.gatehouse.server.edge.EdgeRefusals;
import io.gatehouse.spi.RouteContext;
import io.gatehouse.spi.StageFactory;
import io.gatehouse.upstream.IdentityHeaders;
import io.gatehouse.upstream.MemberKey;
import io.gatehouse.upstream.MemberState;
import io.gatehouse.upstream.ProxyTimeouts;
import io.gatehouse.upstream.UpstreamCluster;
import io.gatehouse.upstream.UpstreamConnector;
import io.gatehouse.upstream.UpstreamProxyHandler;
import io.gatehouse.upstream.UpstreamRegistry;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.PickerContext;
import io.gatehouse.upstream.balance.RoundRobinStrategy;
import io.gatehouse.upstream.balance.Strategies;
import io.undertow.server.HttpHandler;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a validated configuration into a {@link Runtime}: routers, handler chains and clusters.
 * Runs before the swap, off the IO threads (new members' host names are resolved here, and the TLS
 * contexts for members reached over TLS are made here). What can only fail now — a member host that
 * does not resolve — is reported as {@code file:line: message} like any
 * other configuration problem, and nothing is published. A build only claims members from the
 * registry ({@link UpstreamRegistry#claim()}); it changes nothing there, whatever its outcome. One
 * build at a time.
 */
public final class RuntimeBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeBuilder.class);

    private final UpstreamRegistry registry;
    private final UpstreamConnector connector;
    private final AtomicLong sequence;
    private final Function<HostPort, Consumer<RequestLogRecord>> logs;
    private final EdgeRefusals refusals;
    private final List<StageFactory> stages;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final AtomicLong generations = new AtomicLong();

    /**
     * @param sequence the process-wide request counter (local transaction ids)
     * @param log      where request-log records go (must not block)
     * @param stages   per-route stages from other modules, outermost first
     */
    public RuntimeBuilder(UpstreamRegistry registry, UpstreamConnector connector, AtomicLong sequence,
                          Consumer<RequestLogRecord> log, List<StageFactory> stages) {
        this(registry, connector, sequence, log, stages, PickerContext.THREAD_LOCAL_RANDOM, System::nanoTime);
    }

    /**
     * @param random    the randomness balancing strategies get (seeded in tests)
     * @param nanoClock the monotonic time balancing strategies get
     */
    public RuntimeBuilder(UpstreamRegistry registry, UpstreamConnector connector, AtomicLong sequence,
                          Consumer<RequestLogRecord> log, List<StageFactory> stages, RandomGenerator random,
                          LongSupplier nanoClock) {
        this(registry, connector, sequence, bind -> log, new EdgeRefusals(), stages, random, nanoClock);
    }

    /**
     * @param logs     where each listener's request-log records go, by the listener's address (asked once
     *                 per listener and build; the consumers must not block)
     * @param refusals counts the requests the edge refuses, by reason, on every listener
     */
    public RuntimeBuilder(UpstreamRegistry registry, UpstreamConnector connector, AtomicLong sequence,
                          Function<HostPort, Consumer<RequestLogRecord>> logs, EdgeRefusals refusals,
                          List<StageFactory> stages) {
        this(registry, connector, sequence, logs, refusals, stages, PickerContext.THREAD_LOCAL_RANDOM, System::nanoTime);
    }

    private RuntimeBuilder(UpstreamRegistry registry, UpstreamConnector connector, AtomicLong sequence,
                           Function<HostPort, Consumer<RequestLogRecord>> logs, EdgeRefusals refusals,
                           List<StageFactory> stages, RandomGenerator random, LongSupplier nanoClock) {
        this.registry = registry;
        this.connector = connector;
        this.sequence = sequence;
        this.logs = logs;
        this.refusals = refusals;
        this.stages = List.copyOf(stages);
        this.random = random;
        this.nanoClock = nanoClock;
    }

    /** The outcome of a build: a runtime, or the problems that prevented it. */
    public record Outcome(Optional<Runtime> runtime, List<Problem> problems) {
    }

    public Outcome build(GatehouseConfig config) {
        Problems problems = new Problems();
        UpstreamRegistry.Claim claim = registry.claim();
        Map<String, UpstreamCluster> clusters = new LinkedHashMap<>();
        for (ClusterSpec spec : config.clusters().values()) {
            if (spec.ssl() && !prepareTls(spec.trust(), spec.pos(), problems)) {
                continue;
            }
            List<ClusterMember> members = new ArrayList<>();
            for (MemberSpec m : spec.members()) {
                MemberKey key = new MemberKey(spec.ssl(), m.address(), spec.trust());
                member(claim, spec, key, m.pos(), problems)
                        .ifPresent(state -> members.add(new ClusterMember(state, m.weight(), m.backup(), m.down())));
            }
            if (members.size() == spec.members().size()) {
                clusters.put(spec.name(), new UpstreamCluster(new PickerContext(spec, members, random, nanoClock),
                        Strategies.byName(spec.strategy()).orElseGet(RoundRobinStrategy::new)));
            }
        }
        Map<HostPort, HttpHandler> chains = new LinkedHashMap<>();
        List<UpstreamCluster> urlClusters = new ArrayList<>();
        for (ListenerSpec listener : config.listeners()) {
            HostRouter.Builder<RouteTable<HttpHandler>> hosts = HostRouter.builder();
            for (SiteSpec site : listener.sites()) {
                for (VirtualHostSpec vhost : site.vhosts()) {
                    RouteTable.Builder<HttpHandler> routes = RouteTable.builder();
                    for (RouteSpec route : vhost.routes()) {
                        Optional<HttpHandler> target = routeTarget(config, site, vhost, route, clusters, urlClusters,
                                claim, problems);
                        if (target.isPresent()) {
                            try {
                                routes.add(route.path(), target.get());
                            } catch (IllegalArgumentException e) {
                                problems.error(route.pos(), e.getMessage());
                            }
                        }
                    }
                    RouteTable<HttpHandler> table = routes.build();
                    try {
                        if (vhost.isDefault()) {
                            hosts.defaultValue(table);
                        } else {
                            for (HostPattern pattern : vhost.hosts()) {
                                hosts.add(pattern, table);
                            }
                        }
                    } catch (IllegalArgumentException e) {
                        // the directory checks catch these with both places named; this is the backstop
                        problems.error(vhost.pos(), "on listener " + listener.bind() + ": " + e.getMessage());
                    }
                }
            }
            chains.put(listener.bind(), ChainAssembler.listenerChain(logs.apply(listener.bind()), sequence,
                    hosts.build(), listener.speaksHttp2(), refusals));
        }
        if (problems.hasErrors()) {
            return new Outcome(Optional.empty(), problems.sorted());
        }
        for (ClusterSpec spec : config.clusters().values()) {
            if (spec.ssl() && !spec.trust().verify()) {
                LOG.warn("[@{}] verify = no ({}): the certificates of its members are not checked, so anyone"
                        + " on the path to them can stand in for them", spec.name(), spec.pos());
            }
        }
        List<UpstreamCluster> all = new ArrayList<>(clusters.values());
        all.addAll(urlClusters);
        Runtime runtime = new Runtime(generations.incrementAndGet(), config, chains, all, claim, Instant.now());
        return new Outcome(Optional.of(runtime), problems.sorted());
    }

    /** Makes the TLS context for {@code trust} now, off the IO threads; false (and a problem) if the JVM cannot. */
    private boolean prepareTls(MemberTlsSpec trust, SourcePos pos, Problems problems) {
        try {
            connector.prepareTls(trust);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            problems.error(pos, "cannot set up TLS to members checked against " + trust.trustSource() + ": " + e);
            return false;
        }
    }

    /** {@code key}'s state in the cluster {@code spec}, which takes the cluster's policy when the claim is adopted. */
    private static Optional<MemberState> member(UpstreamRegistry.Claim claim, ClusterSpec spec, MemberKey key,
                                                SourcePos pos, Problems problems) {
        try {
            return Optional.of(claim.member(spec.name(), key, spec.resolveInterval(), spec.policy()));
        } catch (UnknownHostException e) {
            problems.error(pos, "cannot resolve upstream host " + key.address().host() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<HttpHandler> routeTarget(GatehouseConfig config, SiteSpec site, VirtualHostSpec vhost,
                                              RouteSpec route, Map<String, UpstreamCluster> clusters,
                                              List<UpstreamCluster> urlClusters, UpstreamRegistry.Claim claim,
                                              Problems problems) {
        List<Target> targets = route.targets();
        ProxyTimeouts timeouts = new ProxyTimeouts(
                site.tune().responseTimeout().toMillis(), site.tune().sendTimeout().toMillis(),
                site.tune().clientBodyTimeout().toMillis());
        IdentityHeaders identity = IdentityHeaders.of(site.gateway().userHeader(), site.gateway().rolesHeader());
        HttpHandler handler = null;
        Optional<ClusterSpec> clusterSpec = Optional.empty();
        for (int i = targets.size() - 1; i >= 0; i--) {
            HttpHandler next = handler;
            Target target = targets.get(i);
            handler = target.accept(new TargetVisitor<HttpHandler>() {
                @Override
                public HttpHandler visitStaticDir(StaticDirTarget t) {
                    return new StaticFilesHandler(t, site.tune().staticMaxAge(), next);
                }

                @Override
                public HttpHandler visitFixedResponse(FixedResponseTarget t) {
                    return new FixedResponseHandler(t);
                }

                @Override
                public HttpHandler visitRedirect(RedirectTarget t) {
                    return new RedirectHandler(t);
                }

                @Override
                public HttpHandler visitUpstreamUrl(UpstreamUrlTarget t) {
                    MemberKey key = new MemberKey(t.tls(), t.address(), MemberTlsSpec.SYSTEM);
                    if (t.tls() && !prepareTls(key.trust(), t.pos(), problems)) {
                        return null;
                    }
                    ClusterSpec spec = ClusterSpec.single(t.pos(), key.toString(), t.address(), t.tls());
                    Optional<MemberState> member = member(claim, spec, key, t.pos(), problems);
                    if (member.isEmpty()) {
                        return null;
                    }
                    UpstreamCluster single = new UpstreamCluster(new PickerContext(spec,
                            List.of(ClusterMember.plain(member.get())), random, nanoClock), new RoundRobinStrategy());
                    urlClusters.add(single);
                    return new UpstreamProxyHandler(single, connector, timeouts, t.basePath(), identity);
                }

                @Override
                public HttpHandler visitCluster(ClusterTarget t) {
                    UpstreamCluster cluster = clusters.get(t.cluster());
                    return cluster == null ? null
                            : new UpstreamProxyHandler(cluster, connector, timeouts, "", identity);
                }
            });
            if (target instanceof ClusterTarget ct) {
                clusterSpec = Optional.ofNullable(config.clusters().get(ct.cluster()));
            }
            if (handler == null) {
                return Optional.empty(); // reported already
            }
        }
        // max_body_size first, as nginx checks client_max_body_size before access and proxying
        HttpHandler chain;
        try {
            chain = ChainAssembler.routeChain(stages, new RouteContext(config, site, vhost, route, clusterSpec), handler);
        } catch (IllegalArgumentException e) {
            problems.error(route.pos(), e.getMessage());
            return Optional.empty();
        }
        return Optional.of(BodyLimitHandler.wrap(site.tune().maxBodySize(), chain));
    }
}
