package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.config.model.ClientCertSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberTlsSpec;
import io.gatehouse.server.BufferPool;
import io.gatehouse.spi.ClientKeySource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * TLS to members: the connector checks the member's certificate against the name the configuration
 * gives it (sent as SNI) and against the cluster's trust (a test CA as {@code ca}, or the system trust
 * store), or takes any certificate with {@code verify = no}; a refused certificate is a failed connect,
 * with the reason logged once as a warning. Members are {@link TlsMember}s on 127.0.0.1 with
 * certificates from a {@link TestCa}; the registry's resolver maps the test's names to 127.0.0.1.
 */
@Timeout(30)
class MemberTlsTest {
    private static final TestCa CA = TestCa.create("Gatehouse Test CA");
    private static final TestCa OTHER_CA = TestCa.create("Other Test CA");

    private XnioWorker worker;
    private UpstreamRegistry registry;
    private UpstreamConnector connector;
    private TlsMember member;
    private Logger connectorLog;
    private ListAppender<ILoggingEvent> logged;
    private Level levelBefore;

    @BeforeEach
    void start() throws IOException {
        worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "member-tls-test")
                .set(Options.WORKER_IO_THREADS, 1)
                .set(Options.WORKER_TASK_CORE_THREADS, 1)
                .set(Options.WORKER_TASK_MAX_THREADS, 1)
                .getMap());
        registry = new UpstreamRegistry(worker, 8, MemberTlsTest::resolve, System::nanoTime);
        connector = new UpstreamConnector(new BufferPool(true, 16 * 1024, 64, 64), 500);
        connectorLog = (Logger) LoggerFactory.getLogger(UpstreamConnector.class);
        levelBefore = connectorLog.getLevel();
        connectorLog.setLevel(Level.INFO);
        logged = new ListAppender<>();
        logged.start();
        connectorLog.addAppender(logged);
    }

    @AfterEach
    void stop() throws InterruptedException {
        connectorLog.detachAppender(logged);
        connectorLog.setLevel(levelBefore);
        if (member != null) {
            member.close();
        }
        worker.shutdownNow();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Every name of these tests is this machine's loopback address, given without the name (so the name
     * checked and sent can only come from the configuration); IP literals are parsed.
     */
    private static InetAddress resolve(String host) throws UnknownHostException {
        if (UpstreamRegistry.isLiteral(host)) {
            return InetAddress.getByName(host);
        }
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    @Test
    void acceptsACertificateForTheMemberNameFromTheClustersCa(@TempDir Path tmp) throws Exception {
        member = TlsMember.start(CA.issue("member.test"), "ok");
        Object outcome = connect("member.test", ca(tmp));
        MemberConnection connection = assertInstanceOf(MemberConnection.class, outcome);
        connection.close();
        assertEquals(List.of("member.test"), serverNames(), "the member's name goes as SNI");
        assertEquals(List.of(), warnings());
    }

    @Test
    void refusesACertificateForAnotherName(@TempDir Path tmp) throws Exception {
        member = TlsMember.start(CA.issue("other.test"), "ok");
        String reason = refusal(connect("member.test", ca(tmp)));
        assertEquals("certificate for other.test does not match member name member.test", reason);
        assertEquals(List.of("TLS with upstream https://member.test:" + member.port() + " (ca " + tmp.resolve("ca.pem")
                + ") failed: " + reason), warnings());
        assertEquals(0, member.handshakes());
    }

    @Test
    void refusesACertificateFromAnUnknownCa(@TempDir Path tmp) throws Exception {
        member = TlsMember.start(OTHER_CA.issue("member.test"), "ok");
        String reason = refusal(connect("member.test", ca(tmp)));
        assertEquals("certificate for member.test (issued by CN=Other Test CA) is not signed by a CA in ca "
                + tmp.resolve("ca.pem"), reason);
        assertEquals(1, warnings().size());
    }

    @Test
    void checksAgainstTheSystemTrustStoreWithoutCa() throws Exception {
        member = TlsMember.start(CA.issue("member.test"), "ok");
        String reason = refusal(connect("member.test", MemberTlsSpec.SYSTEM));
        assertEquals("certificate for member.test (issued by CN=Gatehouse Test CA) is not signed by a CA in the"
                + " system trust store", reason);
    }

    @Test
    void refusesAnExpiredCertificate(@TempDir Path tmp) throws Exception {
        TestCa.Issued expired = CA.issueExpired("member.test");
        member = TlsMember.start(expired, "ok");
        String reason = refusal(connect("member.test", ca(tmp)));
        assertEquals("certificate for member.test expired at " + expired.chain()[0].getNotAfter().toInstant(), reason);
    }

    @Test
    void checksAnIpLiteralMemberAgainstTheCertificatesAddressesAndSendsNoSni(@TempDir Path tmp)
            throws Exception {
        member = TlsMember.start(CA.issue("member.test"), "ok");
        String reason = refusal(connect("127.0.0.1", ca(tmp)));
        assertEquals("certificate for member.test does not match member name 127.0.0.1", reason);
    }

    @Test
    void acceptsASelfSignedMemberWhoseOwnCertificateIsTheCa(@TempDir Path tmp) throws Exception {
        TestCa.Issued self = TestCa.selfSigned("member.test");
        member = TlsMember.start(self, "ok");
        Path file = tmp.resolve("member.pem");
        Files.writeString(file, TestCa.pem(self.chain()[0]));
        Object outcome = connect("member.test", MemberTlsSpec.ca(file, List.of(self.chain()[0])));
        assertInstanceOf(MemberConnection.class, outcome).close();
    }

    @Test
    void verifyNoTakesAnyCertificateForAnyNameAndStillSendsTheName() throws Exception {
        member = TlsMember.start(OTHER_CA.issue("other.test"), "ok");
        Object outcome = connect("member.test", MemberTlsSpec.UNVERIFIED);
        assertInstanceOf(MemberConnection.class, outcome).close();
        assertEquals(List.of("member.test"), serverNames());
        assertEquals(List.of(), warnings());
    }

    @Test
    void givesUpAHandshakeTheMemberNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept(); // and never a word back
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            String reason = refusal(connect("member.test", silent.getLocalPort(), MemberTlsSpec.SYSTEM));
            assertEquals("the handshake was not done within 500 ms", reason);
            Socket s = accepted.get(5, TimeUnit.SECONDS);
            s.setSoTimeout(5_000);
            while (s.getInputStream().read() >= 0) {
                // the client hello, then the end: Gatehouse closed its side
            }
            s.close();
        }
    }

    @Test
    void showsTheClusterClientCertificateToAMemberThatRequiresOne(@TempDir Path tmp) throws Exception {
        TestCa clients = TestCa.create("Clients CA");
        TestCa.Issued shown = clients.issueClient("gatehouse");
        member = TlsMember.requiringClientCertificate(CA.issue("member.test"), "ok", clients, true);
        connector = new UpstreamConnector(new BufferPool(true, 16 * 1024, 64, 64), cert -> new ClientKeySource.ClientKey(shown.key(), List.of(shown.chain())), 500);
        Object outcome = connect("member.test", ca(tmp).withClient(clientCert(tmp)));
        assertInstanceOf(MemberConnection.class, outcome).close();
        serverNames();
        assertEquals(List.of("CN=gatehouse"), member.clientNames());
        assertEquals(List.of(), warnings());
    }

    @Test
    void aHandshakeTheMemberEndsAfterAskingForAClientCertificateSaysSo(@TempDir Path tmp) throws Exception {
        member = TlsMember.requiringClientCertificate(CA.issue("member.test"), "ok", TestCa.create("Clients CA"), true);
        String reason = refusal(connect("member.test", ca(tmp)));
        assertTrue(reason.endsWith(" after asking for a client certificate; the cluster shows none (set client_cert)"),
                reason);
        assertEquals(List.of("TLS with upstream https://member.test:" + member.port() + " (ca " + tmp.resolve("ca.pem")
                + ") failed: " + reason), warnings());
    }

    @Test
    void withoutAClientKeySourceAClientCertificateIsABuildErrorNotAConnectError(@TempDir Path tmp) throws Exception {
        MemberTlsSpec spec = ca(tmp).withClient(clientCert(tmp));
        GeneralSecurityException refused = assertThrows(GeneralSecurityException.class, () -> connector.prepareTls(spec));
        assertEquals("client certificates towards members need the auth module", refused.getMessage());
    }

    private static ClientCertSpec clientCert(Path tmp) {
        return new ClientCertSpec(tmp.resolve("client.pem"), Optional.empty(), "", "test");
    }

    private MemberTlsSpec ca(Path tmp) throws Exception {
        Path file = CA.writePem(tmp.resolve("ca.pem"));
        return MemberTlsSpec.ca(file, List.of(CA.certificate()));
    }

    private Object connect(String host, MemberTlsSpec trust) throws Exception {
        return connect(host, member.port(), trust);
    }

    /** Connects to {@code host:port} over TLS as a cluster checking with {@code trust}: a connection, or the failure. */
    private Object connect(String host, int port, MemberTlsSpec trust) throws Exception {
        MemberKey key = new MemberKey(true, new HostPort(host, port), trust);
        UpstreamRegistry.Claim claim = registry.claim();
        MemberState state = claim.member("test", key, Duration.ZERO);
        registry.adopt(claim);
        connector.prepareTls(trust);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        XnioIoThread thread = worker.getIoThread(0);
        thread.execute(() -> connector.connect(state.endpoint(), thread, new UpstreamConnector.Callback() {
            @Override
            public void connected(MemberConnection connection) {
                outcome.complete(connection);
            }

            @Override
            public void failed(IOException e) {
                outcome.complete(e);
            }
        }));
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private static String refusal(Object outcome) {
        IOException failure = assertInstanceOf(IOException.class, outcome);
        assertTrue(failure instanceof SSLException, failure.toString());
        return failure.getMessage();
    }

    /** The SNI names of the member's completed handshakes, once it has seen one (its side ends after ours). */
    private List<String> serverNames() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (member.handshakes() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return member.serverNames();
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
