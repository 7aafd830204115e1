package io.gatehouse.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member on a loopback socket that answers with whatever bytes a test scripts, well formed or not,
 * with plain blocking sockets on threads of its own: no HTTP library between the test and the wire.
 * It reads each request head (a body is the script's to read), counts the connections it accepted and
 * the ones Gatehouse closed.
 */
final class ScriptedMember implements AutoCloseable {
    /** Answers one request; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Script {
        boolean answer(Request request, InputStream in, OutputStream out) throws IOException;
    }

    /** A request head as read off the socket. */
    record Request(String head, int connection, int onConnection) {
        String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        /** The first value of {@code name}, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-member");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    private volatile Script script;

    private ScriptedMember(InetSocketAddress bind, Script script) throws IOException {
        this.script = script;
        this.socket = new ServerSocket();
        socket.bind(bind, 50);
        threads.execute(this::acceptLoop);
    }

    /** A member on 127.0.0.1, on a free port. */
    static ScriptedMember start(Script script) throws IOException {
        return new ScriptedMember(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), script);
    }

    /** A member on {@code address} (another loopback address, a given port). */
    static ScriptedMember start(InetSocketAddress address, Script script) throws IOException {
        return new ScriptedMember(address, script);
    }

    /** Answers 200 with {@code body} and a length, keeping the connection. */
    static Script ok(String body) {
        return (request, in, out) -> {
            byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return true;
        };
    }

    /**
     * Reads the request, then waits until {@code release} opens (at most 10 s) before answering as
     * {@link #ok} would: an answer held back while the test changes things around it.
     */
    static Script heldUntil(CountDownLatch release, String body) {
        Script answer = ok(body);
        return (request, in, out) -> {
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("the test never released the answer");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while holding the answer", e);
            }
            return answer.answer(request, in, out);
        };
    }

    int port() {
        return socket.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void script(Script next) {
        this.script = next;
    }

    /** Connections accepted so far. */
    int connections() {
        return accepted.get();
    }

    /** Connections the other side (Gatehouse) closed while the member waited for a request on them. */
    int closedByPeer() {
        return closedByPeer.get();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            int n = accepted.incrementAndGet();
            open.add(s);
            threads.execute(() -> serve(s, n));
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int onConnection = 0;
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                Request request = new Request(head, connection, ++onConnection);
                requests.add(request);
                if (!script.answer(request, in, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the test's business: a script that breaks off, or Gatehouse closing mid-answer
        } finally {
            open.remove(s);
        }
    }

    /** The head up to and including its blank line, or null at the end of the stream before any byte. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("closed in the middle of a request head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] readBytes(InputStream in, int n) throws IOException {
        byte[] out = in.readNBytes(n);
        if (out.length < n) {
            throw new IOException("closed after " + out.length + " of " + n + " bytes");
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
