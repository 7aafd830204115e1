package io.gatehouse.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member on a loopback socket that answers with whatever bytes a test scripts, well-formed or not:
 * for the answers no real server library would send. It reads request heads (a body is the script's
 * to read) and counts the connections it accepted.
 */
final class RawMember implements AutoCloseable {
    /** Answers one request; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Script {
        boolean answer(String path, String head, InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger connections = new AtomicInteger();
    private final Queue<String> heads = new ConcurrentLinkedQueue<>();
    private final Queue<Socket> accepted = new ConcurrentLinkedQueue<>();
    private static final ThreadLocal<int[]> REQUESTS_ON_CONNECTION = ThreadLocal.withInitial(() -> new int[1]);
    private final Script script;

    private RawMember(Script script) throws IOException {
        this.script = script;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    static RawMember start(Script script) throws IOException {
        return new RawMember(script);
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Every request head this member has read, in the order they came. */
    List<String> heads() {
        return List.copyOf(heads);
    }

    /** For a script: 1 for the first request on the connection being served, 2 for the next... */
    static int requestNumberOnConnection() {
        return REQUESTS_ON_CONNECTION.get()[0];
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepted.add(s);
                connections.incrementAndGet();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        int[] count = REQUESTS_ON_CONNECTION.get();
        count[0] = 0;
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                count[0]++;
                if (!script.answer(head.split(" ")[1], head, in, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            // the other side left: that is what some tests do
        }
    }

    /** The request head up to its blank line, or null when the connection ends first or the head is absurd. */
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
            if (head.size() > 65_536) {
                return null;
            }
        }
        return null;
    }

    /** The value of a header in a request head read by this member, or null. */
    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** For a script: waits as a slow or stalled member would, giving up the wait if interrupted. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Stops like a dead server: no more connections accepted, and the open ones closed. */
    @Override
    public void close() throws InterruptedException, IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
