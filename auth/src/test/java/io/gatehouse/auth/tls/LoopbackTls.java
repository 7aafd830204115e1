package io.gatehouse.auth.tls;

import io.undertow.Undertow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** An Undertow HTTPS listener on 127.0.0.1 serving {@code ok} with a {@link ServerTls}, and a JDK client for it. */
final class LoopbackTls implements AutoCloseable {

    private final Undertow undertow;
    final int port;

    LoopbackTls(ServerTls tls) {
        undertow = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(2)
                .addHttpsListener(0, "127.0.0.1", tls.context())
                .setHandler(exchange -> exchange.getResponseSender().send("ok"))
                .build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        undertow.stop();
    }

    /** What a client saw of one HTTPS request. */
    record Answer(String protocol, X509Certificate leaf, byte[] sessionId, long sessionCreated, String response) {
    }

    /** A client context trusting only {@code trust}. */
    static SSLContext client(KeyStore trust) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A {@code GET /} over a new TLS connection to 127.0.0.1 asking for {@code sni} (null: no name
     * sent); with {@code checkName}, the certificate must also be valid for that name. As a browser
     * does, the client keeps its sessions by the name it asked for, so it offers a session only to the
     * name it was made for (RFC 8446 §4.6.1).
     */
    Answer get(SSLContext client, String sni, boolean checkName, List<String> protocols) throws IOException {
        Socket tcp = new Socket("127.0.0.1", port);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(tcp,
                sni == null ? "127.0.0.1" : sni, port, true)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            if (checkName) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (protocols != null) {
                parameters.setProtocols(protocols.toArray(String[]::new));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + (sni == null ? "127.0.0.1" : sni)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            SSLSession session = socket.getSession();
            return new Answer(session.getProtocol(), (X509Certificate) session.getPeerCertificates()[0],
                    session.getId(), session.getCreationTime(), response.toString(StandardCharsets.US_ASCII));
        }
    }

    Answer get(SSLContext client, String sni) throws IOException {
        return get(client, sni, true, null);
    }
}
