package io.gatehouse.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A member speaking HTTP/1.1 over TLS on a loopback port, with a certificate a test chose: it answers
 * every request {@code 200} with the body {@code body}, keeps connections alive, and records the SNI
 * names clients asked for and how many handshakes completed. One {@linkplain #requiringClientCertificate
 * requiring client certificates} completes a handshake only with a client certificate its CA signed, and
 * records whose it was.
 */
public final class TlsMember implements AutoCloseable {
    private final SSLServerSocket socket;
    private final String body;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    private final Queue<String> serverNames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final Queue<String> clientNames = new ConcurrentLinkedQueue<>();

    private TlsMember(TestCa.Issued certificate, String body, TestCa clients, boolean tls12Only) throws IOException {
        this.body = body;
        this.socket = (SSLServerSocket) certificate.serverContext(clients).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        socket.setNeedClientAuth(clients != null);
        if (tls12Only) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        }
        threads.execute(this::acceptLoop);
    }

    /** Serves {@code certificate} on 127.0.0.1, answering every request with {@code body}. */
    public static TlsMember start(TestCa.Issued certificate, String body) {
        return requiringClientCertificate(certificate, body, null, false);
    }

    /**
     * Like {@link #start}, but a handshake completes only when the client shows a certificate signed by
     * {@code clients} (none required when null), as nginx's {@code ssl_verify_client on} does.
     *
     * @param tls12Only speak TLS 1.2 only, where a refused client certificate ends the handshake itself
     *                  (over TLS 1.3 the client's side of the handshake is done before the member judges it)
     */
    public static TlsMember requiringClientCertificate(TestCa.Issued certificate, String body, TestCa clients,
                                                       boolean tls12Only) {
        try {
            return new TlsMember(certificate, body, clients, tls12Only);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The subjects of the client certificates of the handshakes that completed, in order ("" for none). */
    public List<String> clientNames() {
        return List.copyOf(clientNames);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The SNI host names of the handshakes that completed, in order ("" for a handshake without one). */
    public List<String> serverNames() {
        return List.copyOf(serverNames);
    }

    /** Handshakes that completed. */
    public int handshakes() {
        return handshakes.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                threads.execute(() -> serve((SSLSocket) s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            s.startHandshake();
            String name = "";
            if (s.getSession() instanceof ExtendedSSLSession session) {
                for (SNIServerName sni : session.getRequestedServerNames()) {
                    if (sni instanceof SNIHostName host) {
                        name = host.getAsciiName();
                    }
                }
            }
            serverNames.add(name);
            String client = "";
            try {
                client = s.getSession().getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate asked for, or none sent
            }
            clientNames.add(client);
            handshakes.incrementAndGet();
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            while (readHead(in)) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            // the client refused the certificate, or left
        }
    }

    /** Reads one request head (these tests send no bodies); false at the end of the stream. */
    private static boolean readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        threads.shutdownNow();
    }
}
