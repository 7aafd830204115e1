package io.gatehouse.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What crosses Gatehouse in each direction: forwarding headers added, hop-by-hop headers dropped. */
class ProxyHeadersTest {
    @TempDir
    java.nio.file.Path tmp;

    WireMockServer upstream;
    GatehouseHarness gatehouse;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().jettyAcceptors(1)
                .containerThreads(8));
        upstream.start();
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain")
                .withHeader("Keep-Alive", "timeout=5")
                .withHeader("X-Upstream-Private", "hop")
                .withHeader("Connection", "X-Upstream-Private")
                .withHeader("Set-Cookie", "a=1", "b=2")
                .withBody("hello")));
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d
                """.formatted(upstream.port()));
    }

    @AfterEach
    void stop() {
        gatehouse.close();
        upstream.stop();
    }

    @Test
    void forwardingHeadersAreAddedAndHopByHopHeadersStayOnTheirHop() throws Exception {
        String response;
        try (RawHttp http = new RawHttp(gatehouse.address())) {
            response = http.send("GET /shop/cart?x=1 HTTP/1.1\r\n"
                    + "Host: Shop.Example.com:8080\r\n"
                    + "User-Agent: test\r\n"
                    + "X-Forwarded-For: 203.0.113.9\r\n"
                    + "Via: 1.1 edge\r\n"
                    + "Connection: keep-alive, X-Client-Private\r\n"
                    + "X-Client-Private: secret\r\n"
                    + "Keep-Alive: timeout=9\r\n"
                    + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                    + "TE: trailers\r\n"
                    + "Upgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n"
                    + "X-Request-ID: trace-abc-123\r\n"
                    + "\r\n").readUntil("hello");
        }
        List<LoggedRequest> seen = upstream.findAll(getRequestedFor(urlEqualTo("/shop/cart?x=1")));
        assertEquals(1, seen.size(), "the upstream saw the request once, path and query unchanged");
        LoggedRequest req = seen.get(0);
        assertEquals("Shop.Example.com:8080", req.getHeader("Host"), "Host is preserved");
        assertEquals("203.0.113.9, 127.0.0.1", req.getHeader("X-Forwarded-For"));
        assertEquals("http", req.getHeader("X-Forwarded-Proto"));
        assertEquals("Shop.Example.com:8080", req.getHeader("X-Forwarded-Host"));
        assertEquals("1.1 edge, 1.1 gatehouse", req.getHeader("Via"));
        assertEquals("trace-abc-123", req.getHeader("X-Request-ID"), "the client's request id travels on");
        for (String hop : List.of("X-Client-Private", "Keep-Alive", "Proxy-Authorization", "TE", "Upgrade",
                "HTTP2-Settings")) {
            assertFalse(req.containsHeader(hop), hop + " must not reach the upstream");
        }
        String connection = req.getHeader("Connection");
        assertTrue(connection == null || !connection.toLowerCase().contains("x-client-private"));

        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.contains("X-Request-ID: trace-abc-123") || head.contains("x-request-id: trace-abc-123"), head);
        assertTrue(head.contains("Via: 1.1 gatehouse"), head);
        assertFalse(head.contains("X-Upstream-Private"), head);
        assertFalse(head.contains("timeout=5"), head);
        assertTrue(head.contains("a=1") && head.contains("b=2"), "both cookies: " + head);
    }

    @Test
    void aRequestWithoutAnIdGetsOneUpstreamAndInTheResponse() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var resp = client.send(java.net.http.HttpRequest.newBuilder(gatehouse.uri("/x")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode());
        String id = resp.headers().firstValue("X-Request-ID").orElse(null);
        assertNotNull(id);
        assertEquals(id, upstream.findAll(getRequestedFor(urlEqualTo("/x"))).get(0).getHeader("X-Request-ID"));
        assertNull(upstream.findAll(getRequestedFor(urlEqualTo("/x"))).get(0).getHeader("Upgrade"),
                "Java's client asks for h2c; Gatehouse never passes that on");
    }
}
