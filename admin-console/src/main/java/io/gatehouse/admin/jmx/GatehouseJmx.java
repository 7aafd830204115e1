package io.gatehouse.admin.jmx;

import com.codahale.metrics.jmx.JmxReporter;
import io.gatehouse.admin.metrics.GatehouseMetrics;
import io.gatehouse.admin.metrics.MetricNames;
import io.gatehouse.runtime.ReloadControl;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.view.ClusterView;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;
import io.gatehouse.view.PoolView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gatehouse in JMX: every metric through Dropwizard's JMX reporter (names from {@link MetricNames}),
 * {@code io.gatehouse:type=Gatehouse} with a {@code reload()} operation, and one
 * {@code io.gatehouse:type=Member,cluster=C,member=M} per member of the generation in service, kept in
 * step by the metrics sampler's thread (and by {@link #syncMembers()} after a reload). Names are in
 * {@code docs/metrics.md}.
 */
public final class GatehouseJmx implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatehouseJmx.class);
    /** The Gatehouse MBean's name. */
    public static final ObjectName GATEHOUSE = MetricNames.of("type", "Gatehouse");

    private final MBeanServer server;
    private final PoolView pool;
    private final JmxReporter reporter;
    private final GatehouseBean gatehouse;
    private volatile ReloadControl reloads;
    private final Map<ObjectName, MemberBean> members = new HashMap<>();
    /** The pool as the member MBeans read it: one snapshot serves a client reading every attribute of every member. */
    private volatile PoolSnapshot recent;
    private volatile long recentAt;
    private boolean registered;

    public GatehouseJmx(MBeanServer server, GatehouseMetrics metrics, PoolView pool, Supplier<Runtime> runtime,
                        String version) {
        this.server = server;
        this.pool = pool;
        this.reporter = JmxReporter.forRegistry(metrics.registry())
                .registerWith(server)
                .inDomain(MetricNames.DOMAIN)
                .createsObjectNamesWith(metrics.names())
                .convertDurationsTo(TimeUnit.MILLISECONDS)
                .convertRatesTo(TimeUnit.SECONDS)
                .build();
        this.gatehouse = new GatehouseBean(version, runtime, () -> reloads, metrics::lastReload);
    }

    /** The reloader {@code reload()} calls; until it is set, {@code reload()} says reload is not available. */
    public void reloadControl(ReloadControl control) {
        this.reloads = control;
    }

    /** The name of the MBean of {@code member} of {@code cluster}. */
    public static ObjectName memberName(String cluster, String member) {
        return MetricNames.of("type", "Member", "cluster", cluster, "member", member);
    }

    /**
     * Publishes everything. The members' MBeans follow the generation in service through
     * {@link #syncMembers}, which whoever puts a generation in service calls (members change only then).
     */
    public synchronized void start() {
        reporter.start();
        try {
            server.registerMBean(new StandardMBean(gatehouse, GatehouseMBean.class), GATEHOUSE);
            registered = true;
        } catch (JMException e) {
            LOG.warn("{} is not published: {}", GATEHOUSE, e.toString());
        }
        syncMembers();
    }

    /** Registers an MBean for each member of the generation in service and unregisters those of members gone. */
    public synchronized void syncMembers() {
        Set<ObjectName> wanted = new HashSet<>();
        for (ClusterView c : pool.snapshot().clusters()) {
            for (MemberView m : c.members()) {
                ObjectName name = memberName(c.name(), m.address());
                wanted.add(name);
                if (!members.containsKey(name)) {
                    MemberBean bean = new MemberBean(this::recentPool, c.name(), m.address());
                    try {
                        server.registerMBean(new StandardMBean(bean, MemberMBean.class), name);
                        members.put(name, bean);
                    } catch (JMException e) {
                        LOG.warn("{} is not published: {}", name, e.toString());
                    }
                }
            }
        }
        members.keySet().removeIf(name -> {
            if (wanted.contains(name)) {
                return false;
            }
            unregister(name);
            return true;
        });
    }

    /** A pool snapshot at most {@link #RECENT_NANOS} old. */
    private PoolSnapshot recentPool() {
        long now = System.nanoTime();
        PoolSnapshot snapshot = recent;
        if (snapshot == null || now - recentAt > RECENT_NANOS) {
            snapshot = pool.snapshot();
            recent = snapshot;
            recentAt = now;
        }
        return snapshot;
    }

    private static final long RECENT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("{} was not registered: {}", name, e.toString());
        }
    }

    /** Unpublishes everything. */
    @Override
    public synchronized void close() {
        reporter.stop();
        for (ObjectName name : members.keySet()) {
            unregister(name);
        }
        members.clear();
        if (registered) {
            unregister(GATEHOUSE);
            registered = false;
        }
    }
}
