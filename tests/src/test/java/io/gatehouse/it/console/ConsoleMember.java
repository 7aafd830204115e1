package io.gatehouse.it.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member on loopback for the console's tests, that can be stopped (its port then refuses connections,
 * so its health checks fail) and started again on the same port. {@code GET /health} is answered
 * {@code ok}; {@code /cached/...} with {@code Cache-Control: max-age=300}, so the response cache keeps it;
 * anything else with the member's name. It counts the requests by path.
 */
final class ConsoleMember implements AutoCloseable {
    private final String name;
    private final int port;
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    private HttpServer server;

    private ConsoleMember(String name) {
        this.name = name;
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    /** A member answering as {@code name}, on a free loopback port. */
    static ConsoleMember start(String name) {
        return new ConsoleMember(name);
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** Requests for exactly {@code path} so far. */
    int requests(String path) {
        AtomicInteger n = byPath.get(path);
        return n == null ? 0 : n.get();
    }

    /** Stops: connections to its port are refused from now on. */
    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Comes back on the same port. */
    synchronized void restart() {
        if (server == null) {
            server = bind(port);
        }
    }

    private HttpServer bind(int on) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 50);
            s.createContext("/", this::answer);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        byte[] body = (path.equals("/health") ? "ok" : name).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        if (path.startsWith("/cached/")) {
            ex.getResponseHeaders().set("Cache-Control", "max-age=300");
        }
        ex.sendResponseHeaders(200, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
