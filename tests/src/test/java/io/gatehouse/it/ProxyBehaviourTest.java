package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP semantics through the proxy (HEAD, 204, 304, chunked, 100-continue, WebSocket), connection
 * reuse to members, and what the client gets when members are dead or slow.
 */
@Timeout(60)
class ProxyBehaviourTest {
    @TempDir
    java.nio.file.Path tmp;

    Undertow upstream;
    int upstreamPort;
    int deadPort;
    GatehouseHarness gatehouse;
    HttpClient client;

    @BeforeEach
    void start() {
        deadPort = GatehouseHarness.freePort(); // closed again: nothing listens there
        var http = new BlockingHandler(exchange -> {
            String path = exchange.getRequestPath();
            var out = exchange.getResponseHeaders();
            if (path.endsWith("/head-me")) {
                out.put(Headers.CONTENT_TYPE, "text/plain");
                exchange.getResponseSender().send("0123456789");
            } else if (path.endsWith("/no-content")) {
                exchange.setStatusCode(StatusCodes.NO_CONTENT);
            } else if (path.endsWith("/etag")) {
                out.put(Headers.ETAG, "\"v1\"");
                if ("\"v1\"".equals(exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH))) {
                    exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
                } else {
                    exchange.getResponseSender().send("fresh");
                }
            } else if (path.endsWith("/echo")) {
                byte[] body = exchange.getInputStream().readAllBytes();
                out.put(Headers.CONTENT_TYPE, "text/plain");
                exchange.getResponseSender().send(ByteBuffer.wrap(body));
            } else if (path.endsWith("/port")) {
                exchange.getResponseSender().send(String.valueOf(exchange.getSourceAddress().getPort()));
            } else if (path.endsWith("/slow")) {
                Thread.sleep(3000);
                exchange.getResponseSender().send("late");
            } else {
                exchange.getResponseSender().send("ok " + path);
            }
        });
        var echo = Handlers.websocket((exchange, channel) -> {
            channel.getReceiveSetter().set(new AbstractReceiveListener() {
                @Override
                protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                    WebSockets.sendText("echo:" + message.getData(), ch, null);
                }

                @Override
                protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                    WebSockets.sendBinary(message.getData().getResource(), ch, null);
                }
            });
            channel.resumeReceives();
        });
        upstream = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(8)
                .setHandler(Handlers.path(http).addPrefixPath("/ws", echo)).build();
        upstream.start();
        upstreamPort = GatehouseHarness.boundPort(upstream);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [tunefactors]
                response_timeout = 1

                [routes:line]
                / = @app
                /dead = @dead
                /mixed = @mixed

                [@app]
                members = 127.0.0.1:%1$d

                [@dead]
                members = 127.0.0.1:%2$d

                [@mixed]
                members = 127.0.0.1:%2$d, 127.0.0.1:%1$d
                """.formatted(upstreamPort, deadPort));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        gatehouse.close();
        upstream.stop();
    }

    private static String get(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: t.test\r\n\r\n";
    }

    @Test
    void headAnswersWithTheHeadersAndNoBody() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String head = http.send(get("HEAD", "/head-me")).readUntil("\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-length: 10"), "the length a GET would have: " + head);
            // had the HEAD answer carried a body, it would come before this status line
            String next = http.send(get("GET", "/head-me")).readUntil("0123456789");
            assertTrue(next.startsWith("HTTP/1.1 200"), next);
        }
    }

    @Test
    void noContentHasNoBodyAndKeepsTheConnection() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String first = http.send(get("GET", "/no-content")).readUntil("\r\n\r\n");
            assertTrue(first.startsWith("HTTP/1.1 204"), first);
            assertFalse(first.toLowerCase().contains("transfer-encoding"), first);
            String second = http.send(get("GET", "/other")).readUntil("ok /other");
            assertTrue(second.startsWith("HTTP/1.1 200"), "no stray bytes between the answers: " + second);
        }
    }

    @Test
    void notModifiedPassesThroughWithoutABody() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String cached = http.send("GET /etag HTTP/1.1\r\nHost: t.test\r\nIf-None-Match: \"v1\"\r\n\r\n")
                    .readUntil("\r\n\r\n");
            assertTrue(cached.startsWith("HTTP/1.1 304"), cached);
            assertTrue(cached.contains("\"v1\""), "the validator comes back: " + cached);
            String fresh = http.send(get("GET", "/etag")).readUntil("fresh");
            assertTrue(fresh.startsWith("HTTP/1.1 200"), fresh);
        }
    }

    @Test
    void aChunkedRequestBodyArrivesWhole() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String answer = http.send("POST /echo HTTP/1.1\r\nHost: t.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").readUntil("hello world");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void expectContinueWaitsForTheMembersGoAhead() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            String interim = http.send("POST /echo HTTP/1.1\r\nHost: t.test\r\nContent-Length: 7\r\n"
                    + "Expect: 100-continue\r\n\r\n").readUntil("\r\n\r\n");
            assertTrue(interim.startsWith("HTTP/1.1 100"), "the body is sent only after 100 Continue: " + interim);
            String answer = http.send("payload").readUntil("payload");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void aWebSocketIsRelayedBothWays() throws Exception {
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + gatehouse.port + "/ws/echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.add(bytes);
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        for (String text : List.of("hello", "through", "gatehouse")) {
            ws.sendText(text, true).get(5, TimeUnit.SECONDS);
            assertEquals("echo:" + text, received.poll(5, TimeUnit.SECONDS));
        }
        byte[] binary = {0, 1, 2, (byte) 0xFF, 10, 13};
        ws.sendBinary(ByteBuffer.wrap(binary), true).get(5, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 2, 255, 10, 13), toList((byte[]) received.poll(5, TimeUnit.SECONDS)));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    private static List<Integer> toList(byte[] bytes) {
        var list = new java.util.ArrayList<Integer>();
        for (byte b : bytes) {
            list.add(b & 0xFF);
        }
        return list;
    }

    @Test
    void keptAliveConnectionsToTheMemberAreReused() throws Exception {
        Set<String> upstreamPorts = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(gatehouse.uri("/port")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            upstreamPorts.add(r.body());
        }
        assertTrue(upstreamPorts.size() <= 4, "50 requests, connections opened to the member: " + upstreamPorts);
    }

    @Test
    void aDeadMemberGives502WithAJsonBody() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(gatehouse.uri("/dead/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String id = r.headers().firstValue("X-Request-ID").orElseThrow();
        assertTrue(r.body().contains("\"status\":502"), r.body());
        assertTrue(r.body().contains("\"request_id\":\"" + id + "\""), r.body());
        // the rest keeps serving
        assertEquals(200, client.send(HttpRequest.newBuilder(gatehouse.uri("/fine")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aDeadMemberIsSkippedForALiveOne() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(gatehouse.uri("/mixed/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "request " + i + ": " + r.body());
            assertEquals("ok /mixed/" + i, r.body());
        }
    }

    @Test
    void aSlowMemberGives504AfterTheResponseTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(gatehouse.uri("/slow"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(504, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"status\":504"), r.body());
        assertTrue(ms >= 900 && ms < 2900, "answered after the 1 s timeout, not after the member's 3 s: " + ms);
    }

    @Test
    void requestIdsTravelWithTheBody() throws Exception {
        CompletableFuture<HttpResponse<String>> f = client.sendAsync(HttpRequest.newBuilder(gatehouse.uri("/echo"))
                .header("X-Request-ID", "abc-123").POST(HttpRequest.BodyPublishers.ofString("body text")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
        assertEquals("body text", r.body());
        assertEquals("abc-123", r.headers().firstValue("X-Request-ID").orElse(null));
    }
}
