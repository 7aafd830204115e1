package io.gatehouse.admin.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.admin.Credentials;
import io.gatehouse.admin.metrics.GatehouseMetrics;
import io.gatehouse.admin.metrics.MetricNames;
import io.gatehouse.runtime.ReloadControl;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.view.ConfigStatus;
import io.gatehouse.view.PoolView;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RemoteJmxTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Credentials CREDENTIALS = (user, secret) -> {
        if (secret.equals("s3cret-token")) {
            return Optional.of("token");
        }
        return user.equals("admin") && secret.equals("hunter2") ? Optional.of("admin") : Optional.empty();
    };

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final GatehouseMetrics metrics = new GatehouseMetrics();
    private final List<String> triggers = new CopyOnWriteArrayList<>();
    private GatehouseJmx jmx;
    private RemoteJmx remote;

    @BeforeEach
    void publish() {
        jmx = new GatehouseJmx(server, metrics, new PoolView(() -> null), () -> null, "9.9.9");
        jmx.reloadControl(new ReloadControl() {
            @Override
            public ReloadOutcome reload(String trigger) {
                triggers.add(trigger);
                return new ReloadOutcome(1, Instant.parse("2026-12-03T13:00:00Z"), trigger, false, 1,
                        List.of("conf.d/a.conf:3: no such key"), List.of(), List.of());
            }

            @Override
            public ConfigStatus status() {
                return new ConfigStatus("conf.d", 1, Instant.parse("2026-12-03T12:00:00Z"), List.of(), Optional.empty());
            }
        });
        jmx.start();
    }

    @AfterEach
    void close() {
        if (remote != null) {
            remote.close();
        }
        jmx.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private JMXConnector connect(Object credentials, Map<String, Object> extra) throws IOException {
        Map<String, Object> env = new HashMap<>(extra);
        if (credentials != null) {
            env.put(JMXConnector.CREDENTIALS, credentials);
        }
        return JMXConnectorFactory.connect(remote.serviceUrl(), env);
    }

    @Test
    void anAuthenticatedClientReadsMetricsAndTheGatehouseMBeanOverTheOnePort() throws Exception {
        remote = RemoteJmx.start(server, LOOPBACK, freePort(), CREDENTIALS, null);
        assertEquals("service:jmx:rmi://127.0.0.1:" + remote.port() + "/jndi/rmi://127.0.0.1:" + remote.port() + "/jmxrmi",
                remote.serviceUrl().toString());
        metrics.record(new io.gatehouse.log.RequestLogRecord(java.time.LocalDateTime.now(), "c", "s", "GET", "/",
                "HTTP/1.1", 200, 0, 0, "g", 1, null, null, null, 1, 1));
        try (JMXConnector c = connect(new String[] {"admin", "hunter2"}, Map.of())) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            assertEquals(1L, mbeans.getAttribute(MetricNames.of("type", "Traffic", "name", "requests"), "Count"));
            assertEquals("9.9.9", mbeans.getAttribute(GatehouseJmx.GATEHOUSE, "Version"));
            assertEquals(1L, mbeans.getAttribute(GatehouseJmx.GATEHOUSE, "Generation"));
            assertEquals("2026-12-03T12:00:00Z", mbeans.getAttribute(GatehouseJmx.GATEHOUSE, "LoadedAt"));
        }
    }

    @Test
    void aMemberThePoolNoLongerHasLeavesJmx() throws Exception {
        remote = RemoteJmx.start(server, LOOPBACK, freePort(), CREDENTIALS, null);
        javax.management.ObjectName member = MetricNames.of("type", "Member", "cluster", "app", "member",
                "127.0.0.1:8082", "metric", "requests");
        javax.management.ObjectName kept = MetricNames.of("type", "Member", "cluster", "app", "member",
                "127.0.0.1:8081", "metric", "requests");
        metrics.prepare(io.gatehouse.admin.metrics.TestPools.pool("app=127.0.0.1:8081,127.0.0.1:8082"));
        try (JMXConnector c = connect(new String[] {"admin", "hunter2"}, Map.of())) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            assertEquals(0L, mbeans.getAttribute(member, "Count"));
            metrics.prepare(io.gatehouse.admin.metrics.TestPools.pool("app=127.0.0.1:8081"));
            assertFalse(mbeans.isRegistered(member), "the removed member's MBean is gone");
            assertEquals(0L, mbeans.getAttribute(kept, "Count"));
        }
    }

    @Test
    void reloadOverJmxRunsAsTheAuthenticatedUserAndSaysWhyItWasRefused() throws Exception {
        remote = RemoteJmx.start(server, LOOPBACK, freePort(), CREDENTIALS, null);
        ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.gatehouse.admin.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try (JMXConnector c = connect(new String[] {"admin", "hunter2"}, Map.of())) {
            Object result = c.getMBeanServerConnection().invoke(GatehouseJmx.GATEHOUSE, "reload", null, null);
            assertEquals(List.of("jmx:admin"), triggers);
            assertTrue(result.toString().startsWith("refused: generation 1 at 2026-12-03T13:00:00Z (jmx:admin)"), result.toString());
            assertTrue(result.toString().contains("conf.d/a.conf:3: no such key"), result.toString());
        }
        try (JMXConnector c = connect(new String[] {"anyone", "s3cret-token"}, Map.of())) {
            c.getMBeanServerConnection().invoke(GatehouseJmx.GATEHOUSE, "reload", null, null);
            assertEquals("jmx:token", triggers.get(1));
        } finally {
            audit.detachAppender(lines);
        }
        List<String> audited = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        assertEquals(2, audited.size(), audited.toString());
        assertTrue(audited.get(0).endsWith("user=admin from=jmx action=reload result=refused (1 errors)"), audited.get(0));
        assertTrue(audited.get(1).endsWith("user=token from=jmx action=reload result=refused (1 errors)"), audited.get(1));
    }

    @Test
    void aClientWithoutCredentialsOrWithWrongOnesIsRefusedAndTheRefusalLogged() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RemoteJmx.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            remote = RemoteJmx.start(server, LOOPBACK, freePort(), CREDENTIALS, null);
            assertThrows(SecurityException.class, () -> connect(null, Map.of()));
            assertThrows(SecurityException.class, () -> connect(new String[] {"admin", "wrong"}, Map.of()));
            assertThrows(SecurityException.class, () -> connect(new String[] {"admin"}, Map.of()));
        } finally {
            logger.detachAppender(lines);
        }
        List<String> refusals = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("remote JMX: connection from 127.0.0.1 refused")).toList();
        assertEquals(3, refusals.size(), lines.list.toString());
        assertTrue(refusals.get(1).endsWith("wrong password or token for user admin"), refusals.get(1));
    }

    @Test
    void afterThreeWrongPasswordsEvenTheRightOneWaits() throws Exception {
        remote = RemoteJmx.start(server, LOOPBACK, freePort(), CREDENTIALS, null);
        for (int i = 0; i < io.gatehouse.admin.security.LoginThrottle.FREE_FAILURES; i++) {
            SecurityException wrong = assertThrows(SecurityException.class,
                    () -> connect(new String[] {"admin", "guess"}, Map.of()));
            assertEquals("authentication failed", wrong.getMessage());
        }
        SecurityException slowed = assertThrows(SecurityException.class,
                () -> connect(new String[] {"admin", "hunter2"}, Map.of()));
        assertTrue(slowed.getMessage().startsWith("too many failed logins; try again in "), slowed.getMessage());
    }

    @Test
    void closingFreesThePort() throws Exception {
        int port = freePort();
        remote = RemoteJmx.start(server, LOOPBACK, port, CREDENTIALS, null);
        assertThrows(IOException.class, () -> new ServerSocket(port, 1, LOOPBACK).close(), "the port is taken while open");
        remote.close();
        // RMI's accepting thread closes its socket a moment after the last object on it is unexported
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (ServerSocket again = new ServerSocket(port, 1, LOOPBACK)) {
                assertEquals(port, again.getLocalPort());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polling, bounded by the deadline
            }
        }
    }

    @Test
    void overTlsTheRegistryAndTheConnectorNeedTheCertificateToBeTrusted() throws Exception {
        SelfSignedTls tls = SelfSignedTls.make();
        remote = RemoteJmx.start(server, LOOPBACK, freePort(), CREDENTIALS, tls.server);
        SSLContext before = SSLContext.getDefault();
        SSLContext.setDefault(tls.client);
        try (JMXConnector c = connect(new String[] {"admin", "hunter2"},
                Map.of("com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory()))) {
            assertEquals("9.9.9", c.getMBeanServerConnection().getAttribute(GatehouseJmx.GATEHOUSE, "Version"));
        } finally {
            SSLContext.setDefault(before);
        }
        assertThrows(IOException.class, () -> connect(new String[] {"admin", "hunter2"}, Map.of()),
                "a plain client cannot talk to the TLS registry");
    }

    @Test
    void aMemberMBeanIsNamedByClusterAndMemberQuotedWhereNeeded() throws Exception {
        assertEquals(new ObjectName("io.gatehouse:type=Member,cluster=app,member=\"127.0.0.1:8081\""),
                GatehouseJmx.memberName("app", "127.0.0.1:8081"));
        assertFalse(server.isRegistered(GatehouseJmx.memberName("app", "127.0.0.1:8081")), "no pool, no member");
    }
}
