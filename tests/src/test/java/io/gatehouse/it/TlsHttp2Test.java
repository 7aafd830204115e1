package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogRecord;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 into Gatehouse: negotiated by ALPN on a TLS listener and proxied to an HTTP/1.1 member, logged
 * as {@code HTTP/2.0}; HTTP/1.1 over TLS still held to the strict framing of the edge; HTTP/2 with
 * prior knowledge (h2c) on a plain listener only where {@code [server] h2c = yes}.
 */
@Timeout(60)
class TlsHttp2Test {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private final TlsFixture pki = new TlsFixture();
    private final List<String> memberSaw = new CopyOnWriteArrayList<>();
    private Undertow member;
    private GatehouseHarness gatehouse;

    @AfterEach
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (member != null) {
            member.stop();
        }
    }

    private int startMember() {
        member = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
                .setHandler(exchange -> {
                    memberSaw.add(exchange.getProtocol() + " " + exchange.getRequestURI());
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send("member says hi");
                }).build();
        member.start();
        return GatehouseHarness.boundPort(member);
    }

    private String tlsSite(String extra) {
        KeyPair keys = TlsFixture.keyPair("EC");
        Path cert = TlsFixture.write(tmp.resolve("server.crt"), pki.chainPem(pki.issue(keys, "localhost")));
        Path key = TlsFixture.write(tmp.resolve("server.key"), TlsFixture.keyPem(keys.getPrivate(), TlsFixture.KeyForm.PKCS8));
        return "[server]\nport = ${PORT}\n[ssl]\nenable_ssl = yes\ncertfile = " + cert + "\nkeyfile = " + key + "\n" + extra;
    }

    private List<RequestLogRecord> logged() {
        return gatehouse.assembly().requestLog().latest(50);
    }

    /** Waits (bounded) for a request log record that {@code wanted} accepts: records are made as a request completes. */
    private void awaitLogged(java.util.function.Predicate<RequestLogRecord> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (logged().stream().noneMatch(wanted)) {
            assertTrue(System.nanoTime() < deadline, "not logged: " + logged());
            Thread.sleep(20);
        }
    }

    @Test
    void h2IsNegotiatedByAlpnAndProxiedToAnHttp11MemberAndLoggedAsHttp2() throws Exception {
        int memberPort = startMember();
        gatehouse = GatehouseHarness.start(tmp, tlsSite("[routes:line]\n/ = @app\n[@app]\nmembers = 127.0.0.1:" + memberPort + "\n"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(pki.client())
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gatehouse.port + "/h2?x=1"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(HttpClient.Version.HTTP_2, r.version(), "ALPN chose h2");
        assertEquals("member says hi", r.body());
        assertEquals(List.of("HTTP/1.1 /h2"), memberSaw, "the member is spoken to in HTTP/1.1");
        awaitLogged(l -> l.url().startsWith("/h2") && l.protocol().equals("HTTP/2.0") && l.status() == 200);
    }

    @Test
    void aClientWithoutAlpnH2GetsHttp11OverTlsAndItsFramingIsStillChecked() throws Exception {
        gatehouse = GatehouseHarness.start(tmp, tlsSite("[routes:line]\n/ = return 200 OK\n"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(pki.client()).build();
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gatehouse.port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, ok.version());

        String answer = overTls("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), "two lengths are refused at the edge over TLS too:\n" + answer);
        awaitLogged(l -> l.status() == 400 && l.protocol().equals("HTTP/1.1"));
    }

    private String overTls(String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) pki.client().getSocketFactory().createSocket("127.0.0.1", gatehouse.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(response);
            } catch (IOException e) {
                // the connection is closed after the refusal; what came before it is the answer
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void h2cWithPriorKnowledgeIsServedWhereConfiguredAlongsideHttp11() throws Exception {
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\nh2c = yes\n[routes:line]\n/ = return 200 OK\n");

        H2Answer answer = h2cGet(gatehouse.port, "/prior");
        assertTrue(answer.settingsSeen(), "the server's SETTINGS frame came back");
        assertEquals(200, answer.status());
        assertEquals("OK", answer.body());
        awaitLogged(l -> l.url().equals("/prior") && l.protocol().equals("HTTP/2.0"));

        String http11 = raw("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(http11.startsWith("HTTP/1.1 200 "), http11);
        String smuggle = raw(
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertTrue(smuggle.startsWith("HTTP/1.1 400 "), "HTTP/1.1 on an h2c listener is still checked:\n" + smuggle);
    }

    private String raw(String request) throws IOException {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            return http.send(request).readAll();
        }
    }

    @Test
    void withoutH2cThePrefaceIsNotHttp2() throws Exception {
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\n[routes:line]\n/ = return 200 OK\n");

        H2Answer answer = h2cGet(gatehouse.port, "/prior");
        assertTrue(!answer.settingsSeen(), "no HTTP/2 on a listener without h2c");
        assertTrue(answer.raw().startsWith("HTTP/1.1 400 "), "the preface is refused as an HTTP/1.1 request: " + answer.raw());
    }

    @Test
    void aStreamBeyondTheAdvertisedConcurrentStreamsIsAnsweredAtOnceWhileTheOthersAreServed() throws Exception {
        List<io.undertow.server.HttpServerExchange> held = new CopyOnWriteArrayList<>();
        member = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
                .setHandler(exchange -> exchange.dispatch(io.undertow.util.SameThreadExecutor.INSTANCE, () -> held.add(exchange)))
                .build();
        member.start();
        gatehouse = GatehouseHarness.start(tmp, "[server]\nport = ${PORT}\nh2c = yes\n[routes:line]\n/ = @slow\n/free = return 200 OK\n"
                + "[@slow]\nmembers = 127.0.0.1:" + GatehouseHarness.boundPort(member) + "\n");
        int limit = io.gatehouse.server.ListenerManager.H2_MAX_CONCURRENT_STREAMS;
        try (Socket socket = new Socket("127.0.0.1", gatehouse.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            out.write(frame(4, 0, 0, new byte[0]));
            for (int i = 0; i <= limit; i++) {
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                block.write(0x82);
                block.write(0x86);
                literal(block, 4, "/held/" + i);
                literal(block, 1, "127.0.0.1:" + gatehouse.port);
                out.write(frame(1, 0x5, 2 * i + 1, block.toByteArray()));
            }
            out.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (held.size() < limit) {
                assertTrue(System.nanoTime() < deadline, "the member got " + held.size() + " requests");
                Thread.sleep(20);
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int answered = -1;
            byte[] head = new byte[9];
            while (answered < 0) {
                in.readFully(head);
                int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
                int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
                in.readFully(new byte[length]);
                if (head[3] == 4 && (head[4] & 1) == 0) {
                    out.write(frame(4, 1, 0, new byte[0]));
                    out.flush();
                } else if (head[3] == 1) {
                    answered = stream;
                }
            }
            assertEquals(2 * limit + 1, answered, "the stream over the limit is answered first, the others are held");
            assertEquals(limit, held.size(), "and it never reached the member");
        } finally {
            held.forEach(io.undertow.server.HttpServerExchange::endExchange);
        }
        assertEquals(200, h2cGet(gatehouse.port, "/free").status(), "another connection is served");
    }

    /** What a minimal HTTP/2 client saw: the server's SETTINGS, the :status of stream 1, its body. */
    record H2Answer(boolean settingsSeen, int status, String body, String raw) {
    }

    /**
     * Sends the HTTP/2 preface, an empty SETTINGS frame and one GET as a HEADERS frame (HPACK: the
     * static table's {@code :method GET}, {@code :scheme http}, {@code :path /} names, literal values),
     * and reads frames until stream 1 ends. A server that answers in HTTP/1.1 is returned as text.
     */
    static H2Answer h2cGet(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(0x82); // :method GET
            block.write(0x86); // :scheme http
            literal(block, 4, path); // :path
            literal(block, 1, "127.0.0.1:" + port); // :authority
            // One write: a server that refuses the preface and closes must not race the frames after it.
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(PREFACE);
            all.write(frame(4, 0, 0, new byte[0]));
            all.write(frame(1, 0x5, 1, block.toByteArray())); // HEADERS, END_STREAM | END_HEADERS
            OutputStream out = socket.getOutputStream();
            out.write(all.toByteArray());
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            boolean settings = false;
            int status = -1;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] head = new byte[9];
            while (true) {
                try {
                    in.readFully(head);
                } catch (IOException e) {
                    return new H2Answer(settings, status, body.toString(StandardCharsets.UTF_8), "");
                }
                if (!settings && head[0] == 'H' && head[1] == 'T') {
                    ByteArrayOutputStream text = new ByteArrayOutputStream();
                    text.write(head);
                    readRest(in, text);
                    return new H2Answer(false, -1, "", text.toString(StandardCharsets.ISO_8859_1));
                }
                int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
                int type = head[3];
                int flags = head[4];
                int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == 4 && (flags & 1) == 0) {
                    settings = true;
                    out.write(frame(4, 1, 0, new byte[0])); // ACK
                    out.flush();
                } else if (type == 1 && stream == 1) {
                    status = statusOf(payload);
                    if ((flags & 1) != 0) {
                        return new H2Answer(settings, status, "", "");
                    }
                } else if (type == 0 && stream == 1) {
                    body.write(payload);
                    if ((flags & 1) != 0) {
                        return new H2Answer(settings, status, body.toString(StandardCharsets.UTF_8), "");
                    }
                } else if (type == 7) {
                    return new H2Answer(settings, status, body.toString(StandardCharsets.UTF_8), "GOAWAY");
                }
            }
        }
    }

    private static void readRest(InputStream in, ByteArrayOutputStream text) {
        try {
            in.transferTo(text);
        } catch (IOException e) {
            // closed after the answer
        }
    }

    /** The {@code :status} of a response header block: the static table's indexed 200/204/206/304/400/404/500. */
    private static int statusOf(byte[] block) {
        int first = block.length == 0 ? 0 : block[0] & 0xff;
        return switch (first) {
            case 0x88 -> 200;
            case 0x89 -> 204;
            case 0x8a -> 206;
            case 0x8b -> 304;
            case 0x8c -> 400;
            case 0x8d -> 404;
            case 0x8e -> 500;
            default -> -first;
        };
    }

    /** An HPACK literal without indexing whose name is static table entry {@code index}. */
    private static void literal(ByteArrayOutputStream block, int index, String value) {
        block.write(index); // 0000 + 4-bit index
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }
}
