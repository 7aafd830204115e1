package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends its next request, or closes its side, while Gatehouse is still waiting on the
 * member for the previous one: answers come back in order and nothing is lost or answered twice.
 */
@Timeout(30)
class PipeliningTest {
    @TempDir
    java.nio.file.Path tmp;

    Undertow upstream;
    int upstreamPort;
    GatehouseHarness gatehouse;
    /** Counted down when a {@code /slow} request reaches the member. */
    final java.util.concurrent.CountDownLatch slowArrived = new java.util.concurrent.CountDownLatch(1);

    @BeforeEach
    void start() {
        upstream = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1)
                .setHandler(exchange -> {
                    String path = exchange.getRequestPath();
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    if (path.startsWith("/slow")) {
                        slowArrived.countDown();
                        exchange.dispatch(exchange.getIoThread(), () -> exchange.getIoThread().executeAfter(
                                () -> exchange.getResponseSender().send("answer:" + path),
                                400, TimeUnit.MILLISECONDS));
                    } else {
                        exchange.getResponseSender().send("answer:" + path);
                    }
                }).build();
        upstream.start();
        upstreamPort = GatehouseHarness.boundPort(upstream);
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(upstreamPort));
    }

    @AfterEach
    void stop() {
        gatehouse.close();
        upstream.stop();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: pipe.test\r\n\r\n";
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aRequestSentWhileThePreviousIsInFlightIsAnsweredAfterIt() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send(get("/slow/1"));
            assertTrue(slowArrived.await(10, TimeUnit.SECONDS), "the first request is now waiting on the member");
            http.send(get("/fast/2"));
            String both = http.readUntil("answer:/fast/2");
            assertTrue(both.indexOf("answer:/slow/1") >= 0, both);
            assertTrue(both.indexOf("answer:/slow/1") < both.indexOf("answer:/fast/2"), "in order: " + both);
            assertEquals(2, count(both, "HTTP/1.1 200"), both);
            // the connection is still good for a third request
            http.send(get("/fast/3"));
            assertTrue(http.readUntil("answer:/fast/3").contains("HTTP/1.1 200"));
        }
    }

    @Test
    void requestsPipelinedInOneWriteAreAllAnsweredInOrder() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send(get("/slow/a") + get("/fast/b") + get("/slow/c"));
            String all = http.readUntil("answer:/slow/c");
            int a = all.indexOf("answer:/slow/a");
            int b = all.indexOf("answer:/fast/b");
            int c = all.indexOf("answer:/slow/c");
            assertTrue(a >= 0 && a < b && b < c, all);
            assertEquals(3, count(all, "HTTP/1.1 200"), all);
        }
    }

    @Test
    void aClientThatStopsSendingStillGetsItsAnswerAndThenTheConnectionCloses() throws Exception {
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send(get("/slow/half"));
            http.shutdownOutput();
            String rest = http.readAll(); // until Gatehouse closes (or the 5 s read timeout)
            assertTrue(rest.startsWith("HTTP/1.1 200"), rest);
            assertTrue(rest.endsWith("answer:/slow/half"), "the answer, then the end of the connection: " + rest);
        }
        // and the listener keeps serving
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            http.send(get("/fast/after"));
            assertTrue(http.readUntil("answer:/fast/after").contains("HTTP/1.1 200"));
        }
    }
}
