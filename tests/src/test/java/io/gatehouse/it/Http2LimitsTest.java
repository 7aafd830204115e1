package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: one HTTP/2 client cannot take the server. A client that opens more streams than the
 * listener's SETTINGS allow has the excess refused while another client is served; a client that opens
 * and cancels streams in a burst (rapid reset) has its connection closed with GOAWAY while another
 * client is served. Every loop is bounded in count and time; loopback only.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2LimitsTest {
    private static final int RESET_BURST = 2_000;

    RawMember member;
    GatehouseHarness gatehouse;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        member = RawMember.start(this::holdUntilReleased);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}
                h2c = yes

                [routes:line]
                /hold = @app
                / = return 200 OK

                [@app]
                members = 127.0.0.1:%d
                """.formatted(member.port()));
    }

    @AfterAll
    void stop() throws Exception {
        gatehouse.close();
        member.close();
    }

    /** Released when a test is done with the requests the member holds. */
    private volatile CountDownLatch release = new CountDownLatch(1);

    /** The member holds each request until the test releases it (10 s at most), then answers. */
    private boolean holdUntilReleased(String path, String head, InputStream in, OutputStream out) throws IOException {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    private static String[] request(String method, String path, String... more) {
        List<String> f = new ArrayList<>(List.of(":method", method, ":scheme", "http", ":path", path,
                ":authority", "limits.test"));
        f.addAll(List.of(more));
        return f.toArray(String[]::new);
    }

    /** Another client, on its own connection, is answered. */
    private void anotherClientIsServed() throws IOException {
        try (RawH2 other = RawH2.plain(gatehouse.address()).start()) {
            int stream = other.newStream();
            other.headers(stream, true, request("GET", "/ok"));
            RawH2.Answer answer = other.await(stream);
            assertEquals(200, answer.status(), "another client is served: " + answer);
        }
    }

    /**
     * With a body still to come, the excess streams cannot wait for an answer (it would first drain a
     * body the client may never send): they are reset, and none stays open.
     */
    @ParameterizedTest(name = "body still to come: {0}")
    @ValueSource(booleans = {false, true})
    void streamsBeyondTheAdvertisedLimitAreRefusedWhileAnotherClientIsServed(boolean bodyToCome) throws Exception {
        release = new CountDownLatch(1);
        int before = member.heads().size();
        try (RawH2 greedy = RawH2.plain(gatehouse.address()).start()) {
            Integer limit = greedy.serverSetting(RawH2.SETTINGS_MAX_CONCURRENT_STREAMS);
            assertNotNull(limit, "the server announces how many streams a connection may have open");
            int opened = limit + 10;
            List<Integer> streams = new ArrayList<>();
            for (int i = 0; i < opened; i++) {
                int stream = greedy.newStream();
                streams.add(stream);
                // The member holds each request: the stream stays open, and holds a member connection.
                greedy.writeFrame(RawH2.HEADERS, bodyToCome ? RawH2.END_HEADERS : RawH2.END_HEADERS | RawH2.END_STREAM,
                        stream, RawH2.block(bodyToCome ? request("POST", "/hold", "content-length", "1")
                                : request("GET", "/hold")));
            }
            greedy.flush();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (refused(greedy, streams) < opened - limit && System.nanoTime() < deadline) {
                greedy.readFrame();
            }
            int refused = refused(greedy, streams);
            assertTrue(refused >= opened - limit, refused + " of " + opened + " streams refused, limit " + limit);
            while (member.heads().size() - before < limit && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(limit, member.heads().size() - before, "the limit's worth of streams reached the member, no more");
            anotherClientIsServed();
        } finally {
            release.countDown();
        }
    }

    /** Streams the server refused: reset, or answered 503 without reaching the member. */
    private static int refused(RawH2 h2, List<Integer> streams) {
        int n = 0;
        for (int stream : streams) {
            RawH2.Answer a = h2.answer(stream);
            if (a.reset >= 0 || a.status() == 503) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aBurstOfOpenedAndCancelledStreamsClosesThatConnectionWhileAnotherClientIsServed() throws Exception {
        try (RawH2 burst = RawH2.plain(gatehouse.address()).start()) {
            byte[] block = RawH2.block(request("GET", "/ok"));
            int sent = 0;
            try {
                for (; sent < RESET_BURST && burst.goAway() == null; sent++) {
                    int stream = burst.newStream();
                    burst.writeFrame(RawH2.HEADERS, RawH2.END_HEADERS, stream, block);
                    burst.writeFrame(RawH2.RST_STREAM, 0, stream, RawH2.int32(RawH2.CANCEL));
                    if (sent % 100 == 99) {
                        burst.flush();
                    }
                }
                burst.flush();
            } catch (SocketException e) {
                // the server closed the connection under the burst: what the test expects
            }
            assertTrue(burst.awaitGoAwayOrClose(10_000), "the connection is closed after " + sent + " resets");
            if (burst.goAway() != null) {
                assertEquals(RawH2.ENHANCE_YOUR_CALM, burst.goAway().errorCode(), "GOAWAY says why");
            }
            anotherClientIsServed();
        }
    }
}
