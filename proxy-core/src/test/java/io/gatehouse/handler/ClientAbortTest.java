package io.gatehouse.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSinkChannel;

/**
 * {@link ClientAbort} on real loopback connections. On HTTP/1.1 the client's connection closes short of
 * the promised body. On HTTP/2 (h2c, upgraded by the JDK client) only the aborted request's stream is
 * reset: a request in flight beside it and a later one go on over the same connection. Either way the
 * aborted exchange completes on the server (its completion listeners run: Gatehouse counts requests in
 * flight, closes files and logs access there).
 *
 * <p>Every abort happens after the handler returned (the exchange is dispatched, the abort runs later
 * on the IO thread), as it does in Gatehouse: nothing but {@link ClientAbort} ends the exchange.
 */
class ClientAbortTest {
    private static final int PROMISED = 100;
    private static final String PART = "0123456789";
    private static final String SLOW_BODY = "the slow answer, complete. ".repeat(10);
    private static final long SLOW_MILLIS = 400;
    private static final long WAIT_SECONDS = 2;

    /** One exchange the server saw: its path, protocol and the client's address and port. */
    record Seen(String path, String protocol, InetSocketAddress peer) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Per path, counted down when the server has begun the exchange. */
    private final Map<String, CountDownLatch> arrived = new ConcurrentHashMap<>();
    /** Per path, counted down when the exchange completed (its completion listeners ran). */
    private final Map<String, CountDownLatch> completed = new ConcurrentHashMap<>();
    private Undertow server;
    private ExecutorService clientExecutor;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (clientExecutor != null) {
            clientExecutor.shutdownNow();
        }
    }

    // ---- HTTP/1.1

    @Test
    void onHttp11TheConnectionClosesShortOfThePromisedBody() throws Exception {
        int port = start(false);

        PartialAnswer answer = rawGet(port, "/abort/h1");

        assertEquals(200, answer.status);
        assertEquals(String.valueOf(PROMISED), answer.contentLength);
        assertEquals(PART, answer.body, "the part written before the abort, and no more");
        assertTrue(answer.eof, "the connection closed short of the promised " + PROMISED + " bytes");
        assertTrue(completed("/abort/h1"), "the aborted exchange completed on the server");
        assertEquals("HTTP/1.1", seen.get(0).protocol);
    }

    // ---- HTTP/2

    @Test
    void onHttp2OnlyTheStreamIsResetAndTheConnectionGoesOn() throws Exception {
        int port = start(true);
        clientExecutor = Executors.newFixedThreadPool(2);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(WAIT_SECONDS))
                .executor(clientExecutor)
                .build();

        // warm-up: the JDK client upgrades the connection to h2c on its first request
        HttpResponse<String> warm = get(client, port, "/warm");
        assertEquals(200, warm.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, warm.version(), "the h2c upgrade took place");
        InetSocketAddress connection = seen.get(0).peer;

        // a slow request in flight, then, beside it, one aborted mid-answer
        CompletableFuture<HttpResponse<String>> slow = send(client, port, "/slow");
        assertTrue(arrived("/slow"), "the slow request reached the server");
        CompletableFuture<HttpResponse<String>> aborted = send(client, port, "/abort/h2");

        assertStreamReset(aborted);
        assertFalse(slow.isDone(), "the slow answer was still pending when the other stream was reset");
        assertTrue(completed("/abort/h2"), "the aborted exchange completed on the server");

        HttpResponse<String> slowResponse = slow.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(200, slowResponse.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, slowResponse.version());
        assertEquals(SLOW_BODY, slowResponse.body(), "the request beside the reset one got all of its answer");

        // aborted before anything of the answer was written, the channel not taken yet (null)
        assertStreamReset(send(client, port, "/abort/early"));
        assertTrue(completed("/abort/early"), "the early-aborted exchange completed on the server");

        HttpResponse<String> later = get(client, port, "/later");
        assertEquals(200, later.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, later.version());
        assertEquals("ok", later.body());

        assertEquals(List.of(
                new Seen("/warm", "HTTP/2.0", connection), // the upgrade request is answered as stream 1
                new Seen("/slow", "HTTP/2.0", connection),
                new Seen("/abort/h2", "HTTP/2.0", connection),
                new Seen("/abort/early", "HTTP/2.0", connection),
                new Seen("/later", "HTTP/2.0", connection)), seen, "all of it over the one connection");

        // the same server and handler over HTTP/1.1: the connection closes instead
        PartialAnswer http11 = rawGet(port, "/abort/h1");
        assertEquals(String.valueOf(PROMISED), http11.contentLength);
        assertEquals(PART, http11.body);
        assertTrue(http11.eof, "HTTP/1.1: the connection closed short of the promised body");
        assertEquals("HTTP/1.1", seen.get(seen.size() - 1).protocol);
        assertTrue(completed("/abort/h1"));
    }

    /** The request failed at the client because its stream was reset, not by a timeout or a closed connection. */
    private static void assertStreamReset(CompletableFuture<HttpResponse<String>> response) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> response.get(WAIT_SECONDS, TimeUnit.SECONDS), "the aborted request failed at the client");
        IOException cause = assertInstanceOf(IOException.class, failure.getCause());
        assertTrue(String.valueOf(cause.getMessage()).contains("RST_STREAM"), "a stream reset: " + cause);
    }

    // ---- the server

    private int start(boolean http2) {
        HttpHandler handler = exchange -> {
            String path = exchange.getRequestPath();
            seen.add(new Seen(path, exchange.getProtocol().toString(), exchange.getSourceAddress()));
            exchange.addExchangeCompleteListener((ex, next) -> {
                latch(completed, path).countDown();
                next.proceed();
            });
            latch(arrived, path).countDown();
            // Each answer comes later, from the IO thread: the handler returns first, so nothing but
            // the code under test ends the exchange.
            Runnable answer = switch (path) {
                case "/abort/early" -> () -> ClientAbort.abort(exchange, null);
                case "/abort/h1", "/abort/h2" -> () -> writePartThenAbort(exchange);
                case "/slow" -> () -> exchange.getIoThread().executeAfter(
                        () -> exchange.getResponseSender().send(SLOW_BODY), SLOW_MILLIS, TimeUnit.MILLISECONDS);
                default -> () -> exchange.getResponseSender().send("ok");
            };
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getIoThread().execute(answer));
        };
        server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, http2)
                .addHttpListener(0, "127.0.0.1")
                .setHandler(handler)
                .build();
        server.start();
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * Status 200 with a Content-Length of {@value #PROMISED}, {@link #PART} of it written and flushed
     * through the response channel, then {@link ClientAbort#abort}. On the IO thread; never blocks.
     */
    private static void writePartThenAbort(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, PROMISED);
        StreamSinkChannel channel = exchange.getResponseChannel();
        ByteBuffer part = ByteBuffer.wrap(PART.getBytes(StandardCharsets.US_ASCII));
        ChannelListener<StreamSinkChannel> writer = new ChannelListener<>() {
            @Override
            public void handleEvent(StreamSinkChannel ch) {
                try {
                    while (part.hasRemaining()) {
                        if (ch.write(part) == 0) {
                            ch.getWriteSetter().set(this);
                            ch.resumeWrites();
                            return;
                        }
                    }
                    if (!ch.flush()) {
                        ch.getWriteSetter().set(this);
                        ch.resumeWrites();
                        return;
                    }
                    ch.suspendWrites();
                } catch (IOException e) {
                    // the abort below
                }
                ClientAbort.abort(exchange, ch);
            }
        };
        writer.handleEvent(channel);
    }

    private static CountDownLatch latch(Map<String, CountDownLatch> latches, String path) {
        return latches.computeIfAbsent(path, p -> new CountDownLatch(1));
    }

    private boolean arrived(String path) throws InterruptedException {
        return latch(arrived, path).await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private boolean completed(String path) throws InterruptedException {
        return latch(completed, path).await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- the clients

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return send(client, port, path).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpClient client, int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(WAIT_SECONDS))
                .GET()
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** What a raw HTTP/1.1 client read of an answer, and whether the connection closed before its end. */
    private record PartialAnswer(int status, String contentLength, String body, boolean eof) {
    }

    /** A keep-alive HTTP/1.1 GET: reads the head, then the body until EOF or the declared length. */
    private static PartialAnswer rawGet(int port, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            String contentLength = null;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    contentLength = line.substring(15).trim();
                }
            }
            if (contentLength == null) {
                throw new IOException("no Content-Length in " + head);
            }
            int declared = Integer.parseInt(contentLength);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean eof = false;
            while (body.size() < declared) {
                int c = in.read(); // bounded by the socket timeout
                if (c < 0) {
                    eof = true;
                    break;
                }
                body.write(c);
            }
            return new PartialAnswer(status, contentLength, body.toString(StandardCharsets.US_ASCII), eof);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < 8192; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        throw new IOException("head too long");
    }
}
