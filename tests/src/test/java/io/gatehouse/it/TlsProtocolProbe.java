package io.gatehouse.it;

import io.gatehouse.app.Assembly;
import io.gatehouse.auth.tls.PemKeyMaterial;
import io.gatehouse.auth.tls.PemLoad;
import io.gatehouse.auth.tls.ServerTls;
import io.gatehouse.auth.tls.TlsSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Run in a JVM of its own by {@link TlsProtocolsTest}: re-enables TLS 1.1 in this JVM (the JDK disables
 * it JVM-wide through {@code jdk.tls.disabledAlgorithms}, read once), starts Gatehouse from the
 * configuration directory given, and offers only TLS 1.1 to it and, as the control that the client
 * really speaks it, to a JDK server socket that allows it. Prints {@code control: <protocol or refusal>}
 * and {@code gatehouse: <protocol or refusal>}.
 *
 * <p>Arguments: conf directory, Gatehouse's TLS port, certfile, keyfile.
 */
public final class TlsProtocolProbe {
    private TlsProtocolProbe() {
    }

    public static void main(String[] args) throws Exception {
        Security.setProperty("jdk.tls.disabledAlgorithms", "");
        Assembly gatehouse = Assembly.start(Path.of(args[0]), Map.of(), System.err);
        try {
            PemKeyMaterial material = ((PemLoad.Loaded) PemKeyMaterial.load(Path.of(args[2]), Path.of(args[3]), null,
                    Clock.systemUTC())).material();
            ServerTls control = ServerTls.build(List.of(material), TlsSpec.defaults()
                    .withProtocols(List.of("TLSv1.1", "TLSv1.2"))
                    .withCiphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")), null);
            try (SSLServerSocket listener = (SSLServerSocket) control.context().getServerSocketFactory()
                    .createServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
                Thread acceptor = new Thread(() -> {
                    try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                        accepted.setSoTimeout(10_000);
                        accepted.startHandshake();
                    } catch (IOException e) {
                        // the client reports what happened
                    }
                });
                acceptor.start();
                System.out.println("control: " + offerTls11(listener.getLocalPort()));
                acceptor.join(10_000);
            }
            System.out.println("gatehouse: " + offerTls11(Integer.parseInt(args[1])));
        } finally {
            gatehouse.stop(Duration.ZERO);
        }
    }

    private static String offerTls11(int port) throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {new AnyServer()}, null);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        } catch (SSLException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** The probe asks only which protocol is spoken, not who the server is. */
    private static final class AnyServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
