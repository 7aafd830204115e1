package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.runtime.RuntimeBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * How a member's TLS settings take part in its identity: clusters that list one {@code https} address
 * with equal {@code ca}/{@code verify} settings share its endpoint (its connections), clusters whose
 * settings differ get one each, so no connection checked under one setting serves the other; and
 * {@code verify = no} is warned about at every build, naming the cluster. Built by a real
 * {@link RuntimeBuilder} from conf.d directories; no connection is opened.
 */
class MemberTrustIdentityTest {
    private static final TestCa CA = TestCa.create("Identity Test CA");
    private static final TestCa OTHER_CA = TestCa.create("Other Identity Test CA");

    @TempDir
    Path tmp;

    private MemberSide side;
    private RuntimeBuilder builder;
    private int generation;
    private Logger builderLog;
    private ListAppender<ILoggingEvent> logged;
    private Level levelBefore;

    @BeforeEach
    void start() {
        side = MemberSide.start(MemberTrustIdentityTest::resolve, System::nanoTime);
        builder = new RuntimeBuilder(side.registry, side.connector, new AtomicLong(), record -> { }, List.of());
        builderLog = (Logger) LoggerFactory.getLogger(RuntimeBuilder.class);
        levelBefore = builderLog.getLevel();
        builderLog.setLevel(Level.INFO);
        logged = new ListAppender<>();
        logged.start();
        builderLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        builderLog.detachAppender(logged);
        builderLog.setLevel(levelBefore);
        side.close();
    }

    private static InetAddress resolve(String host) throws UnknownHostException {
        return InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
    }

    @Test
    void clustersWithEqualSettingsShareTheEndpointAndARouteTargetSharesTheDefaultOne() throws Exception {
        CA.writePem(tmp.resolve("ca.pem"));
        Runtime runtime = install(load("[routes:line]\n/a = @a\n/b = @b\n/c = @c\n/d = @d\n/u = https://svc.test:8443\n"
                + "[@a]\nmembers = svc.test:8443\nssl = yes\nca = ../ca.pem\n"
                + "[@b]\nmembers = svc.test:8443\nssl = yes\nca = ../ca.pem\n"
                + "[@c]\nmembers = svc.test:8443\nssl = yes\n"
                + "[@d]\nmembers = svc.test:8443\nssl = yes\nverify = yes\n"));
        assertSame(endpoint(runtime, "a"), endpoint(runtime, "b"), "the same ca file: one pool");
        assertSame(endpoint(runtime, "c"), endpoint(runtime, "d"), "verify = yes is the default");
        assertSame(endpoint(runtime, "c"), endpoint(runtime, "https://svc.test:8443"),
                "a route's https target checks against the system trust store, as a cluster without ca does");
        assertNotSame(endpoint(runtime, "a"), endpoint(runtime, "c"));
        assertEquals(MemberTlsSpec.SYSTEM, endpoint(runtime, "c").key().trust());
        assertEquals(2, side.registry.endpoints().size());
    }

    @Test
    void clustersWithDifferentSettingsGetAnEndpointEach() throws Exception {
        CA.writePem(tmp.resolve("ca.pem"));
        OTHER_CA.writePem(tmp.resolve("other.pem"));
        Runtime runtime = install(load("[routes:line]\n/a = @a\n/b = @b\n/c = @c\n/d = @d\n/p = @p\n"
                + "[@a]\nmembers = svc.test:8443\nssl = yes\nca = ../ca.pem\n"
                + "[@b]\nmembers = svc.test:8443\nssl = yes\nca = ../other.pem\n"
                + "[@c]\nmembers = svc.test:8443\nssl = yes\n"
                + "[@d]\nmembers = svc.test:8443\nssl = yes\nverify = no\n"
                + "[@p]\nmembers = svc.test:8443\n"));
        List<MemberEndpoint> endpoints = List.of(endpoint(runtime, "a"), endpoint(runtime, "b"),
                endpoint(runtime, "c"), endpoint(runtime, "d"), endpoint(runtime, "p"));
        assertEquals(5, endpoints.stream().distinct().count(), endpoints.toString());
        assertEquals("https://svc.test:8443 (ca " + tmp.resolve("ca.pem") + ")", endpoint(runtime, "a").toString());
        assertEquals("https://svc.test:8443 (verify = no)", endpoint(runtime, "d").toString());
        assertEquals("http://svc.test:8443", endpoint(runtime, "p").toString());
    }

    @Test
    void aCaFileWhoseCertificatesChangedIsANewEndpointAtTheNextBuild() throws Exception {
        Path ca = CA.writePem(tmp.resolve("ca.pem"));
        String conf = "[routes:line]\n/ = @a\n[@a]\nmembers = svc.test:8443\nssl = yes\nca = " + ca + "\n";
        MemberEndpoint first = endpoint(install(load(conf)), "a");
        assertSame(first, endpoint(install(load(conf)), "a"), "the same certificates: the same endpoint");
        Files.writeString(ca, OTHER_CA.pem());
        MemberEndpoint second = endpoint(install(load(conf)), "a");
        assertNotSame(first, second, "connections checked against the old CA are not used under the new one");
        assertTrue(first.isRetired());
        assertNotEquals(first.key(), second.key());
    }

    @Test
    void verifyNoIsWarnedAboutAtEveryBuildNamingTheCluster() {
        String conf = "[routes:line]\n/ = @insecure\n/b = @checked\n"
                + "[@insecure]\nmembers = svc.test:8443\nssl = yes\nverify = no\n"
                + "[@checked]\nmembers = svc.test:8443\nssl = yes\n";
        install(load(conf));
        install(load(conf));
        List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(2, warnings.size(), warnings.toString());
        for (String warning : warnings) {
            assertTrue(warning.startsWith("[@insecure] verify = no ("), warning);
            assertTrue(warning.contains("site.conf:4): the certificates of its members are not checked"), warning);
        }
    }

    private GatehouseConfig load(String text) {
        ConfDirFixture dir = new ConfDirFixture(tmp.resolve("gen" + (++generation)));
        dir.file("site.conf", text);
        LoadOutcome loaded = dir.load();
        assertEquals(List.of(), loaded.problems().stream().map(Problem::toString).toList());
        return loaded.config().orElseThrow();
    }

    private Runtime install(GatehouseConfig config) {
        RuntimeBuilder.Outcome built = builder.build(config);
        assertEquals(List.of(), built.problems().stream().map(Problem::toString).toList());
        Runtime next = built.runtime().orElseThrow();
        side.registry.adopt(next.upstreams());
        side.registry.retainOnly(next.upstreams());
        return next;
    }

    private static MemberEndpoint endpoint(Runtime runtime, String cluster) {
        return runtime.clusters().stream().filter(c -> c.name().equals(cluster)).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster " + cluster)).members().get(0).endpoint();
    }
}
