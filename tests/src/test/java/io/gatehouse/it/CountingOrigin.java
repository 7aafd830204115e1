package io.gatehouse.it;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An origin server on loopback for the response cache's tests: it answers each path as the test
 * scripts it, counts the requests per path and keeps the headers of each, so a test tells a cache hit
 * (no request reached the origin) from a miss or a revalidation (a request, with the validators it
 * carried). It sends no {@code Date} unless scripted to, so a stored answer's age starts when the proxy
 * received it, to the millisecond. Undertow, on worker threads: a script may block.
 */
final class CountingOrigin implements AutoCloseable {
    /** One request the origin got; {@code number} counts the requests for its path, from 1. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, int number) {
        /** The first value of a header (any case), or null. */
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * An answer to script: a status, header fields in order, a body; with {@code bodyHeld}, the head and
     * the body's first byte are sent, and the rest once the latch is released (at most 10 s).
     */
    record Answer(int status, List<String[]> fields, String body, CountDownLatch bodyHeld) {
        static Answer ok(String body) {
            return new Answer(200, List.of(), body, null);
        }

        static Answer status(int status, String body) {
            return new Answer(status, List.of(), body, null);
        }

        /** This answer with one more header field. */
        Answer with(String name, String value) {
            List<String[]> more = new ArrayList<>(fields);
            more.add(new String[] {name, value});
            return new Answer(status, List.copyOf(more), body, bodyHeld);
        }

        /** This answer with all of its body but the first byte held until {@code release}. */
        Answer bodyHeldUntil(CountDownLatch release) {
            return new Answer(status, fields, body, release);
        }
    }

    /** Answers one request to a path. */
    @FunctionalInterface
    interface Script {
        Answer answer(Request request) throws Exception;
    }

    private final Undertow server;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Queue<Request>> received = new ConcurrentHashMap<>();

    private CountingOrigin() {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(48)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
                .setHandler(new BlockingHandler(this::handle)).build();
        server.start();
    }

    static CountingOrigin start() {
        return new CountingOrigin();
    }

    /** {@code host:port}, as a cluster's {@code members} writes it. */
    String address() {
        return "127.0.0.1:" + GatehouseHarness.boundPort(server);
    }

    /** Answers requests for {@code path} (without query) with {@code script}. */
    CountingOrigin on(String path, Script script) {
        scripts.put(path, script);
        return this;
    }

    /** Answers every request for {@code path} with {@code answer}. */
    CountingOrigin on(String path, Answer answer) {
        return on(path, r -> answer);
    }

    /** Requests for {@code path} so far, any method. */
    int requests(String path) {
        Queue<Request> q = received.get(path);
        return q == null ? 0 : q.size();
    }

    /** Requests for {@code path} with {@code method} so far. */
    int requests(String method, String path) {
        return (int) received(path).stream().filter(r -> r.method().equals(method)).count();
    }

    /** Waits (at most 5 s) until the origin has had {@code n} requests for {@code path}. */
    void awaitRequests(String path, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (requests(path) < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** The requests for {@code path} the origin got, in order. */
    List<Request> received(String path) {
        Queue<Request> q = received.get(path);
        return q == null ? List.of() : List.copyOf(q);
    }

    /** The last request for {@code path}. */
    Request last(String path) {
        List<Request> all = received(path);
        if (all.isEmpty()) {
            throw new AssertionError("the origin got no request for " + path);
        }
        return all.get(all.size() - 1);
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HeaderValues v : exchange.getRequestHeaders()) {
            headers.put(v.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(v));
        }
        Request request;
        Queue<Request> q = received.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
        synchronized (q) {
            request = new Request(exchange.getRequestMethod().toString(), path, exchange.getQueryString(), headers,
                    q.size() + 1);
            q.add(request);
        }
        exchange.getInputStream().readAllBytes();
        Script script = scripts.get(path);
        Answer answer = script == null ? Answer.status(404, "no script for " + path) : script.answer(request);
        exchange.setStatusCode(answer.status());
        for (String[] f : answer.fields()) {
            exchange.getResponseHeaders().add(new HttpString(f[0]), f[1]);
        }
        byte[] body = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.status() == 304 || answer.status() == 204) {
            exchange.endExchange();
            return;
        }
        if (!exchange.getResponseHeaders().contains(Headers.CONTENT_LENGTH)) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        }
        if (answer.bodyHeld() != null && body.length > 1) {
            exchange.getOutputStream().write(body, 0, 1);
            exchange.getOutputStream().flush();
            answer.bodyHeld().await(10, TimeUnit.SECONDS);
            exchange.getOutputStream().write(body, 1, body.length - 1);
        } else {
            exchange.getOutputStream().write(body);
        }
        exchange.endExchange();
    }

    /** Stops as a dead server: its port refuses connections from now on. */
    @Override
    public void close() {
        server.stop();
    }
}
