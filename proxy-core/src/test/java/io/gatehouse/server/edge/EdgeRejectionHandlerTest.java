package io.gatehouse.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.undertow.server.HttpServerExchange;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EdgeRejectionHandlerTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "400 both Content-Length and Transfer-Encoding | 400 | both Content-Length and Transfer-Encoding",
            "431 request head too large | 431 | request head too large",
            "505 HTTP version not supported | 505 | HTTP version not supported",
            "200 fine | 400 | fine",
            "4x1 odd | 400 | odd",
            "4000 long | 400 | long",
            "431 | 431 | request refused at the edge",
            "garbage | 400 | request refused at the edge"})
    void theMarkerGivesTheStatusAndReasonAndAnythingOddBecomes400(String marker, int status, String reason) {
        assertEquals(status, EdgeRejectionHandler.status(marker));
        assertEquals(reason, EdgeRejectionHandler.reason(marker));
    }

    @Test
    void aRequestWithoutTheMarkerGoesToTheNextHandlerUntouched() throws Exception {
        AtomicReference<HttpServerExchange> reached = new AtomicReference<>();
        HttpServerExchange exchange = new HttpServerExchange(null);
        new EdgeRejectionHandler(reached::set).handleRequest(exchange);
        assertSame(exchange, reached.get());
    }
}
