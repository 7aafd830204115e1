package io.gatehouse.auth.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Security;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Run in a JVM of its own by {@link ServerTlsTest}: re-enables TLS 1.1 in this JVM (the JDK disables
 * it through {@code jdk.tls.disabledAlgorithms}, read once per JVM), then offers only TLS 1.1 to a
 * default {@link ServerTls} and, as the control, to one configured with {@code protocols = TLSv1.1
 * TLSv1.2}. Prints one line per server: {@code default: <protocol or refusal>}, {@code control: ...}.
 */
public final class Tls11Probe {

    private Tls11Probe() {
    }

    public static void main(String[] args) throws Exception {
        Security.setProperty("jdk.tls.disabledAlgorithms", "");
        Path certfile = Path.of(args[0]);
        Path keyfile = Path.of(args[1]);
        PemKeyMaterial material = ((PemLoad.Loaded) PemKeyMaterial.load(certfile, keyfile, null, Clock.systemUTC())).material();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", material.leaf());
        SSLContext client = LoopbackTls.client(trust);

        ServerTls defaults = ServerTls.build(List.of(material), TlsSpec.defaults(), null);
        ServerTls control = ServerTls.build(List.of(material), TlsSpec.defaults()
                .withProtocols(List.of("TLSv1.1", "TLSv1.2"))
                .withCiphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")), null);
        System.out.println("default: " + offerTls11(defaults, client));
        System.out.println("control: " + offerTls11(control, client));
    }

    private static String offerTls11(ServerTls server, SSLContext client) throws IOException, InterruptedException {
        try (SSLServerSocket listener = (SSLServerSocket) server.context().getServerSocketFactory()
                .createServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(10_000);
                    accepted.startHandshake();
                } catch (IOException e) {
                    // the client reports what happened
                }
            });
            acceptor.start();
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {"TLSv1.1"});
                socket.startHandshake();
                return socket.getSession().getProtocol();
            } catch (SSLException e) {
                return "refused: " + e.getMessage();
            } finally {
                acceptor.join(10_000);
            }
        }
    }
}
