package io.gatehouse.auth.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.auth.tls.TestPki.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerTlsTest {

    private static final TestPki pki = TestPki.SHARED;
    private static final KeyPair rsa = TestPki.RSA;
    private static final KeyPair ec = TestPki.EC;

    @TempDir
    Path dir;

    private PemKeyMaterial site(String name, KeyPair pair, X509Certificate certificate) {
        Path certfile = TestPki.write(dir.resolve(name + ".crt"), pki.chainPem(certificate));
        Path keyfile = TestPki.write(dir.resolve(name + ".key"), TestPki.keyPem(pair.getPrivate(),
                pair.getPrivate().getAlgorithm().equals("RSA") ? KeyFormat.PKCS8_RSA : KeyFormat.PKCS8_EC, null));
        PemLoad load = PemKeyMaterial.load(certfile, keyfile, null, Clock.systemUTC());
        return assertInstanceOf(PemLoad.Loaded.class, load).material();
    }

    @Test
    void sniPicksEachSitesCertificateAndTheFirstForAnyOtherName() throws Exception {
        X509Certificate first = pki.issue(rsa, "www.first.test", "first.test");
        X509Certificate second = pki.issue(ec, "*.second.test");
        ServerTls tls = ServerTls.build(List.of(site("first", rsa, first), site("second", ec, second)),
                TlsSpec.defaults(), null);
        SSLContext client = LoopbackTls.client(pki.trustStore());

        try (LoopbackTls server = new LoopbackTls(tls)) {
            assertEquals(first, server.get(client, "www.first.test").leaf());
            assertEquals(first, server.get(client, "first.test").leaf());
            assertEquals(second, server.get(client, "api.second.test").leaf());
            assertEquals(first, server.get(client, "unknown.test", false, null).leaf(), "the default");
            assertEquals(first, server.get(client, null, false, null).leaf(), "no name sent");
            assertEquals(first, server.get(client, "a.b.second.test", false, null).leaf(),
                    "a wildcard covers one label only");
        }
    }

    @Test
    void eachSiteKeepsItsOwnSessionsSoASessionOfOneSiteCannotBeResumedUnderAnother() throws Exception {
        X509Certificate first = pki.issue(ec, "a.test");
        X509Certificate second = pki.issue(ec, "b.test");
        ServerTls tls = ServerTls.build(List.of(site("a", ec, first), site("b", ec, second)), TlsSpec.defaults(), null);
        SSLContext client = LoopbackTls.client(pki.trustStore());

        try (LoopbackTls server = new LoopbackTls(tls)) {
            LoopbackTls.Answer a = server.get(client, "a.test", true, List.of("TLSv1.2"));
            assertEquals(first, a.leaf());
            ServerTls.Generation sites = tls.generation();
            // the session cache, and the keys of stateless TLS 1.3 tickets, belong to a session context:
            // one per site, so nothing one site issued is accepted by another
            assertTrue(sites.contexts().get(0).getServerSessionContext()
                    != sites.contexts().get(1).getServerSessionContext(), "each site has its own session context");
            assertTrue(sites.contexts().get(0) != sites.contexts().get(1));
            assertEquals(second, server.get(client, "b.test", true, List.of("TLSv1.2")).leaf());
        }
    }

    @Test
    void anEcSiteAfterAnRsaDefaultIsServedItsOwnCertificateWhicheverKeyTypeTheClientPrefers() throws Exception {
        X509Certificate rsaDefault = pki.issue(rsa, "default.test");
        X509Certificate ecSite = pki.issue(ec, "ec.test");
        ServerTls tls = ServerTls.build(List.of(site("d", rsa, rsaDefault), site("e", ec, ecSite)), TlsSpec.defaults(), null);

        try (LoopbackTls server = new LoopbackTls(tls)) {
            SSLContext client = LoopbackTls.client(pki.trustStore());
            for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
                assertEquals(ecSite, server.get(client, "ec.test", true, List.of(protocol)).leaf(), protocol);
                assertEquals(rsaDefault, server.get(client, "default.test", true, List.of(protocol)).leaf(), protocol);
            }
        }
        assertEquals(ecSite, tls.siteFor("EC.test").leaf());
        assertEquals(rsaDefault, tls.siteFor(null).leaf());
    }

    @Test
    void replacedCertificatesAreServedFromTheNextHandshakeInTheSameContext() throws Exception {
        X509Certificate before = pki.issue(ec, "s.test");
        X509Certificate after = pki.issue(rsa, "s.test", "new.test");
        ServerTls tls = ServerTls.build(List.of(site("before", ec, before)), TlsSpec.defaults(), null);
        SSLContext context = tls.context();

        try (LoopbackTls server = new LoopbackTls(tls)) {
            assertEquals(before, server.get(LoopbackTls.client(pki.trustStore()), "s.test").leaf());
            tls.replaceSites(List.of(site("after", rsa, after)));
            assertEquals(after, server.get(LoopbackTls.client(pki.trustStore()), "s.test").leaf());
            assertEquals(after, server.get(LoopbackTls.client(pki.trustStore()), "new.test").leaf());
            tls.replaceSites(List.of(site("again", ec, before)));
            assertEquals(before, server.get(LoopbackTls.client(pki.trustStore()), "s.test").leaf());
        }
        assertTrue(context == tls.context(), "the listener keeps its context");
        assertEquals(List.of("s.test"), tls.sites().get(0).hostNames());
    }

    @Test
    void byDefaultOnlyTls12And13WithAeadSuitesAreEnabled() {
        ServerTls tls = ServerTls.build(List.of(site("s", ec, pki.issue(ec, "s.test"))), TlsSpec.defaults(), null);

        SSLEngine engine = tls.newEngine();
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), Arrays.asList(engine.getEnabledProtocols()));
        assertFalse(engine.getUseClientMode());
        assertTrue(engine.getSSLParameters().getUseCipherSuitesOrder());
        for (String suite : engine.getEnabledCipherSuites()) {
            assertTrue(TlsSpec.DEFAULT_CIPHERS.contains(suite), suite);
            assertTrue(suite.contains("GCM") || suite.contains("CHACHA20"), suite);
        }
        SSLParameters fromContext = tls.context().getDefaultSSLParameters();
        assertArrayEquals(engine.getEnabledProtocols(), fromContext.getProtocols(),
                "a listener given only the context gets the same settings");
        assertArrayEquals(engine.getEnabledCipherSuites(), fromContext.getCipherSuites());
    }

    @Test
    void configuredProtocolsAndCiphersAreWhatTheListenerSpeaks() throws Exception {
        List<String> ciphers = List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        ServerTls tls = ServerTls.build(List.of(site("s", ec, pki.issue(ec, "s.test"))),
                TlsSpec.defaults().withProtocols(List.of("TLSv1.2")).withCiphers(ciphers), null);

        SSLParameters parameters = tls.parameters();
        assertEquals(List.of("TLSv1.2"), Arrays.asList(parameters.getProtocols()));
        try (LoopbackTls server = new LoopbackTls(tls)) {
            LoopbackTls.Answer answer = server.get(LoopbackTls.client(pki.trustStore()), "s.test");
            assertEquals("TLSv1.2", answer.protocol(), "a client offering 1.3 and 1.2 gets 1.2");
        }
    }

    @Test
    void aProtocolOrCipherTheJvmDoesNotKnowIsNamed() {
        List<PemKeyMaterial> sites = List.of(site("s", ec, pki.issue(ec, "s.test")));

        IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.build(sites, TlsSpec.defaults().withProtocols(List.of("TLSv1.2", "TLSv9")), null));
        assertTrue(protocol.getMessage().startsWith("protocols: TLSv9 is not supported by this Java runtime"),
                protocol.getMessage());
        IllegalArgumentException cipher = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.build(sites, TlsSpec.defaults().withCiphers(List.of("TLS_NOT_A_SUITE")), null));
        assertTrue(cipher.getMessage().startsWith("ciphers: TLS_NOT_A_SUITE is not supported"), cipher.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aSecondConnectionResumesTheFirstSession(String protocol) throws Exception {
        ServerTls tls = ServerTls.build(List.of(site("s", ec, pki.issue(ec, "s.test"))), TlsSpec.defaults(), null);
        SSLContext client = LoopbackTls.client(pki.trustStore());

        try (LoopbackTls server = new LoopbackTls(tls)) {
            LoopbackTls.Answer first = server.get(client, "s.test", true, List.of(protocol));
            LoopbackTls.Answer second = server.get(client, "s.test", true, List.of(protocol));
            assertEquals(protocol, second.protocol());
            assertEquals(first.sessionCreated(), second.sessionCreated(), "the same session, not a new one");
            if (protocol.equals("TLSv1.2")) {
                assertArrayEquals(first.sessionId(), second.sessionId());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.currentTimeMillis() <= first.sessionCreated() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the control below must be able to show another creation time
            }
            LoopbackTls.Answer fresh = server.get(LoopbackTls.client(pki.trustStore()), "s.test", true, List.of(protocol));
            assertTrue(fresh.sessionCreated() != first.sessionCreated(), "a client without the session gets a new one");
        }
        assertEquals(TlsSpec.DEFAULT_SESSION_CACHE_SIZE, tls.context().getServerSessionContext().getSessionCacheSize());
        assertEquals(TlsSpec.DEFAULT_SESSION_TIMEOUT.toSeconds(), tls.context().getServerSessionContext().getSessionTimeout());
    }

    @Test
    void aClientThatOffersOnlyTls11IsRefused() throws Exception {
        // TLS 1.1 is disabled JVM-wide by jdk.tls.disabledAlgorithms, read once: a JVM of its own re-enables it
        X509Certificate certificate = pki.issue(ec, "s.test");
        Path certfile = TestPki.write(dir.resolve("s.crt"), TestPki.pem(certificate));
        Path keyfile = TestPki.write(dir.resolve("s.key"), TestPki.keyPem(ec.getPrivate(), KeyFormat.PKCS8_EC, null));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("probe.out");
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, Tls11Probe.class.getName(), certfile.toString(), keyfile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
        } finally {
            probe.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertTrue(output.contains("control: TLSv1.1"),
                "the probe must really speak TLS 1.1 where a server allows it:\n" + output);
        assertTrue(output.contains("default: refused") && output.contains("protocol_version"),
                "the default listener must refuse it with a protocol_version alert:\n" + output);
    }
}
