package io.gatehouse.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gatehouse.config.model.FixedResponseTarget;
import io.gatehouse.config.model.RedirectTarget;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.routing.RouteTable;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two targets that answer without a file or an upstream: nginx's {@code return} and redirects. */
class FixedResponseHandlerTest {
    private static final SourcePos POS = new SourcePos("site.conf", 3);

    private RoutedTestServer server;
    private int port;

    @BeforeEach
    void startServer() {
        RouteTable<HttpHandler> routes = RouteTable.<HttpHandler>builder()
                .add("/hc", new FixedResponseHandler(new FixedResponseTarget(POS, 200, "OK")))
                .add("/maintenance", new FixedResponseHandler(new FixedResponseTarget(POS, 503, "back soon \u2014 caf\u00e9")))
                .add("/gone", new FixedResponseHandler(new FixedResponseTarget(POS, 410, "")))
                .add("/nothing", new FixedResponseHandler(new FixedResponseTarget(POS, 204, "ignored")))
                .add("/old", new RedirectHandler(new RedirectTarget(POS, 301, "https://new.example/")))
                .add("/tmp", new RedirectHandler(new RedirectTarget(POS, 307, "/elsewhere?x=1")))
                .build();
        server = new RoutedTestServer(routes);
        port = server.port();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "POST", "PUT", "DELETE"})
    void aFixedAnswerIsTheStatusAndPlainTextForAnyMethod(String method) throws IOException {
        RawHttp.Response response = RawHttp.send(port, method, "/hc/anything");
        assertEquals(200, response.status());
        assertEquals("OK", response.text());
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        assertEquals("2", response.header("Content-Length"));
    }

    @Test
    void aFixedAnswerKeepsItsStatusAndUtf8Text() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/maintenance");
        assertEquals(503, response.status());
        assertEquals("back soon \u2014 caf\u00e9", response.text());
    }

    @Test
    void anEmptyFixedAnswerHasZeroLength() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/gone");
        assertEquals(410, response.status());
        assertEquals("0", response.header("Content-Length"));
        assertEquals(0, response.bodyLength());
    }

    @Test
    void headGetsTheFixedAnswersHeadersOnly() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "HEAD", "/hc");
        assertEquals(200, response.status());
        assertEquals("2", response.header("Content-Length"));
        assertEquals(0, response.bodyLength());
    }

    @Test
    void a204AnswerHasNoBody() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/nothing");
        assertEquals(204, response.status());
        assertNull(response.header("Content-Type"));
        assertEquals(0, response.bodyLength());
    }

    @Test
    void aRedirectSendsStatusLocationAndAShortText() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/old/page?q=1");
        assertEquals(301, response.status());
        assertEquals("https://new.example/", response.header("Location"));
        assertEquals("Redirecting to https://new.example/\n", response.text());
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
    }

    @Test
    void aRedirectKeepsItsConfiguredStatusAndRelativeLocation() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "POST", "/tmp");
        assertEquals(307, response.status());
        assertEquals("/elsewhere?x=1", response.header("Location"));
    }

    @Test
    void headGetsTheRedirectHeadersOnly() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "HEAD", "/old");
        assertEquals(301, response.status());
        assertEquals("https://new.example/", response.header("Location"));
        assertEquals(0, response.bodyLength());
    }
}
