package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.admin.jmx.GatehouseJmx;
import io.gatehouse.admin.jmx.RemoteJmx;
import io.gatehouse.admin.metrics.MetricNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics and JMX end to end: a real Gatehouse in process with two members on loopback and remote
 * JMX on its own port. A {@code JMXConnector} with the admin credentials reads request counters that
 * moved with the requests sent (per listener, cluster and member, and by status class), an edge
 * refusal counted under its reason, and a member's state that turns {@code down} once the member is
 * stopped; a client without credentials or with wrong ones is refused.
 */
@Timeout(60)
class MetricsJmxTest {
    /** The {@code [admin] token}: remote JMX takes the admin credentials. */
    private static final String TOKEN = "night-shift-token-0123";

    @TempDir
    Path tmp;

    private GatehouseHarness gatehouse;
    private final List<RestartableMember> members = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (gatehouse != null) {
            gatehouse.close();
        }
        for (RestartableMember m : members) {
            m.close();
        }
    }

    private int get(String path) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String r = http.send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").readAll();
            return Integer.parseInt(r.substring(9, 12));
        }
    }

    private static Object attribute(MBeanServerConnection mbeans, ObjectName name, String attribute) throws Exception {
        return mbeans.getAttribute(name, attribute);
    }

    @Test
    void aRemoteJmxClientReadsTheCountersThatMovedAndAMemberGoingDown() throws Exception {
        RestartableMember a = RestartableMember.start("a");
        RestartableMember b = RestartableMember.start("b");
        members.add(a);
        members.add(b);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                members = %s, %s

                [admin]
                port = %d
                token = %s
                jmx_port = %d
                """.formatted(a.address(), b.address(), GatehouseHarness.freePort(), TOKEN, GatehouseHarness.freePort()));
        // remote JMX as [admin] jmx_port configures it
        RemoteJmx remote = gatehouse.assembly().remoteJmx().orElseThrow();

        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(remote.serviceUrl(), Map.of()));
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(remote.serviceUrl(),
                Map.of(JMXConnector.CREDENTIALS, new String[] {"ops", "night-shift-token-9999"})));

        for (int i = 0; i < 6; i++) {
            assertEquals(200, get("/item/" + i));
        }
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String r = http.send("GET / HTTP/1.1\nHost: app.test\r\n\r\n").readAll();
            assertTrue(r.startsWith("HTTP/1.1 400"), r);
        }

        try (JMXConnector c = JMXConnectorFactory.connect(remote.serviceUrl(),
                Map.of(JMXConnector.CREDENTIALS, new String[] {"ops", TOKEN}))) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            ObjectName listener = MetricNames.of("type", "Listener", "name", "127.0.0.1:" + gatehouse.port, "metric", "requests");
            assertEquals("io.gatehouse:type=Listener,name=\"127.0.0.1:" + gatehouse.port + "\",metric=requests",
                    listener.toString());
            assertEquals(7L, attribute(mbeans, listener, "Count"), "six proxied, one refused at the edge");
            assertEquals(6L, attribute(mbeans, MetricNames.of("type", "Cluster", "name", "app", "metric", "requests"), "Count"));
            long perMember = (Long) attribute(mbeans, MetricNames.of("type", "Member", "cluster", "app", "member", a.address(),
                    "metric", "requests"), "Count")
                    + (Long) attribute(mbeans, MetricNames.of("type", "Member", "cluster", "app", "member", b.address(),
                    "metric", "requests"), "Count");
            assertEquals(6L, perMember);
            assertEquals(6L, attribute(mbeans, MetricNames.of("type", "Traffic", "name", "responses.2xx"), "Count"));
            assertEquals(1L, attribute(mbeans, MetricNames.of("type", "Traffic", "name", "responses.4xx"), "Count"));
            assertEquals(1L, attribute(mbeans, MetricNames.of("type", "EdgeRefusals", "reason", "bare_lf"), "Value"));
            assertEquals(1L, attribute(mbeans, GatehouseJmx.GATEHOUSE, "Generation"));

            ObjectName memberB = GatehouseJmx.memberName("app", b.address());
            assertEquals("up", attribute(mbeans, memberB, "State"));
            assertEquals(1, attribute(mbeans, memberB, "Weight"));
            assertEquals(3L, attribute(mbeans, memberB, "Requests"), "round robin over two members");

            b.kill();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String state = "up";
            while (!state.equals("down") && System.nanoTime() < deadline) {
                assertEquals(200, get("/after"), "the other member answers");
                state = (String) attribute(mbeans, memberB, "State");
            }
            assertEquals("down", state);
            assertTrue(((String) attribute(mbeans, memberB, "Why")).contains("fail"),
                    (String) attribute(mbeans, memberB, "Why"));
            assertEquals(1L, attribute(mbeans, memberB, "Failures"));
        }
        String stats = gatehouse.assembly().metrics().statsJson();
        assertTrue(stats.contains("\"cluster.app.requests\":{\"count\":"), stats);
    }

    private long activeConnections() {
        return ((Number) gatehouse.assembly().metrics().registry().getGauges().get("connections.active").getValue())
                .longValue();
    }

    private void awaitActiveConnections(long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (activeConnections() != expected && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling, bounded by the deadline
        }
        assertEquals(expected, activeConnections());
    }

    @Test
    void activeConnectionsCountHttp1AndHttp2ConnectionsWhileTheyAreOpen() throws Exception {
        RestartableMember a = RestartableMember.start("a");
        members.add(a);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}
                h2c = yes

                [routes:line]
                / = @app

                [@app]
                members = %s
                """.formatted(a.address()));
        assertEquals(0, activeConnections());
        try (RawHttp http1 = new RawHttp(gatehouse.address())) {
            http1.send("GET /one HTTP/1.1\r\nHost: app.test\r\n\r\n").readUntil("a");
            awaitActiveConnections(1);
            try (RawHttp h2 = new RawHttp(gatehouse.address())) {
                h2.send(RawH2.PREFACE);
                h2.send(new byte[] {0, 0, 0, RawH2.SETTINGS, 0, 0, 0, 0, 0});
                awaitActiveConnections(2);
            }
            awaitActiveConnections(1);
        }
        awaitActiveConnections(0);
    }

    @Test
    void cacheHitsAndMissesPerTierAppearOnceACacheExists() throws Exception {
        try (FlowOrigin origin = FlowOrigin.start()) {
            gatehouse = GatehouseHarness.start(tmp, FlowClient.site("${PORT}", origin.port(), "cache_memory = 16"));
            FlowClient client = new FlowClient(gatehouse.port);
            com.codahale.metrics.MetricRegistry registry = gatehouse.assembly().metrics().registry();
            origin.serve("/cached", 1000, FlowOrigin.FRESH);
            assertEquals("MISS", FlowClient.xCache(client.get("/cached")));
            assertEquals("HIT", FlowClient.xCache(client.get("/cached")));
            assertEquals("HIT", FlowClient.xCache(client.get("/cached")));
            // the sampler reads the cache's statistics every 5 s (and makes the gauges, the ratio last)
            FlowClient.await(15, () -> registry.getGauges().containsKey("cache.hit_ratio")
                    && Long.valueOf(2).equals(registry.getGauges().get("cache.memory.hits").getValue()),
                    "cache.memory.hits shows the two hits");
            assertEquals(1L, registry.getGauges().get("cache.memory.misses").getValue());
            assertEquals(0L, registry.getGauges().get("cache.disk.hits").getValue());
            assertEquals(java.lang.management.ManagementFactory.getPlatformMBeanServer().getAttribute(
                    MetricNames.of("type", "Cache", "tier", "memory", "metric", "hits"), "Value"), 2L);
        }
    }

    @Test
    void aMemberMBeanComesAndGoesWithTheGenerationInService() throws Exception {
        RestartableMember a = RestartableMember.start("a");
        RestartableMember b = RestartableMember.start("b");
        members.add(a);
        members.add(b);
        String site = """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                members = %s
                """;
        gatehouse = GatehouseHarness.start(tmp, site.formatted(a.address() + ", " + b.address()));
        javax.management.MBeanServer platform = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        assertTrue(platform.isRegistered(GatehouseJmx.memberName("app", a.address())));
        assertTrue(platform.isRegistered(GatehouseJmx.memberName("app", b.address())));

        java.nio.file.Files.writeString(gatehouse.confDir.resolve("site.conf"),
                site.formatted(a.address()).replace("${PORT}", Integer.toString(gatehouse.port))
                        + "\n[log]\ndir = " + gatehouse.logDir + "\n");
        io.gatehouse.config.bind.LoadOutcome loaded = io.gatehouse.config.bind.ConfLoader.load(gatehouse.confDir, Map.of());
        List<io.gatehouse.config.bind.Problem> problems = gatehouse.assembly().apply(loaded.config().orElseThrow());
        assertTrue(problems.stream().noneMatch(io.gatehouse.config.bind.Problem::isError), problems.toString());

        assertTrue(platform.isRegistered(GatehouseJmx.memberName("app", a.address())), "kept");
        assertTrue(!platform.isRegistered(GatehouseJmx.memberName("app", b.address())), "gone with the member");
        assertEquals(2L, platform.getAttribute(GatehouseJmx.GATEHOUSE, "Generation"));
        gatehouse.close();
        gatehouse = null;
        assertTrue(!platform.isRegistered(GatehouseJmx.memberName("app", a.address())), "unpublished at stop");
        assertTrue(!platform.isRegistered(GatehouseJmx.GATEHOUSE), "unpublished at stop");
    }

    @Test
    void aListenerMBeanGoesWithTheListenerAReloadRemoves() throws Exception {
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n\n[routes:line]\n/hc = return 200 OK\n");
        int otherPort = GatehouseHarness.freePort();
        java.nio.file.Path other = gatehouse.confDir.resolve("other.conf");
        java.nio.file.Files.writeString(other, "[server]\nport = " + otherPort + "\n\n[routes:line]\n/hc = return 200 OK\n");
        reload();
        javax.management.MBeanServer platform = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        ObjectName first = MetricNames.of("type", "Listener", "name", "127.0.0.1:" + gatehouse.port, "metric", "requests");
        ObjectName second = MetricNames.of("type", "Listener", "name", "127.0.0.1:" + otherPort, "metric", "requests");
        assertEquals(200, get("/hc"));
        assertTrue(platform.isRegistered(first));
        assertTrue(platform.isRegistered(second), "the listener the reload added has its timer");
        awaitCount(platform, first, 1L);

        java.nio.file.Files.delete(other);
        reload();
        assertTrue(!platform.isRegistered(second), "gone with its listener, as a removed member's");
        assertTrue(platform.isRegistered(first), "kept");
        assertEquals(1L, platform.getAttribute(first, "Count"), "the listener kept keeps its count");
        assertEquals(200, get("/hc"));
        awaitCount(platform, first, 2L);
    }

    /** The request is counted when its exchange completes, just after the answer went out. */
    private static void awaitCount(javax.management.MBeanServer mbeans, ObjectName timer, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Long.valueOf(expected).equals(mbeans.getAttribute(timer, "Count")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, mbeans.getAttribute(timer, "Count"));
    }

    private void reload() throws Exception {
        io.gatehouse.config.bind.LoadOutcome loaded = io.gatehouse.config.bind.ConfLoader.load(gatehouse.confDir, Map.of());
        List<io.gatehouse.config.bind.Problem> problems = gatehouse.assembly().apply(loaded.config().orElseThrow());
        assertTrue(problems.stream().noneMatch(io.gatehouse.config.bind.Problem::isError), problems.toString());
    }
}
