package io.gatehouse.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member on loopback that can die and come back on the same port, as a restarted server does:
 * {@code GET /health} is answered 200, {@code /hold...} waits until the test releases it, {@code
 * /silent...} is never answered, anything else is answered 200 with the member's name. It counts the
 * requests by path. Raw sockets, a thread per connection.
 */
final class RestartableMember implements AutoCloseable {
    private final String name;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "restartable-member");
        t.setDaemon(true);
        return t;
    });
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    private final AtomicInteger holding = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile boolean silentHealth;
    private volatile ServerSocket socket;

    private RestartableMember(String name) throws IOException {
        this.name = name;
        this.socket = bind(0);
        this.port = socket.getLocalPort();
        threads.execute(() -> acceptLoop(socket));
    }

    /** A member answering as {@code name}, on a free loopback port. */
    static RestartableMember start(String name) throws IOException {
        return new RestartableMember(name);
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** Requests whose path starts with {@code prefix} so far. */
    int requests(String prefix) {
        int n = 0;
        for (Map.Entry<String, AtomicInteger> e : byPath.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    /** Requests held ({@code /hold...}) now. */
    int holding() {
        return holding.get();
    }

    /** Lets every held request be answered. */
    void release() {
        release.countDown();
    }

    /** {@code GET /health} is read and never answered from now on ({@code false}: answered again). */
    void silentHealth(boolean silent) {
        silentHealth = silent;
    }

    /** Dies: no more connections accepted (they are refused), the open ones closed. */
    synchronized void kill() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }

    /** Comes back on the same port. */
    synchronized void revive() throws IOException {
        ServerSocket fresh = bind(port);
        socket = fresh;
        threads.execute(() -> acceptLoop(fresh));
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return s;
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            open.add(s);
            if (server.isClosed()) {
                // accepted just as kill() closed the listener and the open sockets: it dies with them
                open.remove(s);
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                return;
            }
            threads.execute(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ")[1];
                byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (path.startsWith("/silent") || path.startsWith("/health") && silentHealth) {
                    in.read(); // until the other side gives up
                    return;
                }
                if (path.startsWith("/hold")) {
                    holding.incrementAndGet();
                    try {
                        if (!release.await(20, TimeUnit.SECONDS)) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        holding.decrementAndGet();
                    }
                }
                String body = path.startsWith("/health") ? "ok" : name;
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException e) {
            // killed, or the other side left
        } finally {
            open.remove(s);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        int crlf = 0;
        while ((b = in.read()) >= 0) {
            head.write(b);
            crlf = b == (crlf % 2 == 0 ? '\r' : '\n') ? crlf + 1 : b == '\r' ? 1 : 0;
            if (crlf == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        release();
        kill();
        threads.shutdownNow();
    }
}
