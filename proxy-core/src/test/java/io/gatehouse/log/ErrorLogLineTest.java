package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The error log's line about a request: fixed fields first, and nothing in it can break it. */
class ErrorLogLineTest {
    @Test
    void putsTheRequestIdClusterMemberAndRequestBeforeWhatHappened() {
        assertEquals("9f86d081-2s @shop 10.0.0.11:5000 \"GET /api/cart?x=1 HTTP/1.1\": connect() refused;"
                        + " trying the next member; attempt 3 ms",
                ErrorLogLine.format("9f86d081-2s", "@shop", "10.0.0.11:5000", "GET", "/api/cart?x=1", "HTTP/1.1",
                        "connect() refused", "trying the next member", TimeUnit.MICROSECONDS.toNanos(3900)));
    }

    @Test
    void numbersTheAttemptsAfterTheFirst() {
        assertEquals("id @shop 10.0.0.12:5000 \"GET / HTTP/1.1\": upstream closed the connection without answering;"
                        + " 502 to the client; attempt 3, 12 ms",
                ErrorLogLine.format("id", "@shop", "10.0.0.12:5000", "GET", "/", "HTTP/1.1",
                        "upstream closed the connection without answering", "502 to the client", 3,
                        TimeUnit.MILLISECONDS.toNanos(12)));
        assertEquals("id @shop 10.0.0.12:5000 \"GET / HTTP/1.1\": x; y; attempt 12 ms",
                ErrorLogLine.format("id", "@shop", "10.0.0.12:5000", "GET", "/", "HTTP/1.1", "x", "y", 1,
                        TimeUnit.MILLISECONDS.toNanos(12)));
    }

    @Test
    void leavesOutTheAttemptTimeWhenThereIsNone() {
        assertEquals("id @shop - \"GET / HTTP/1.1\": no usable member; 503 to the client",
                ErrorLogLine.format("id", "@shop", "-", "GET", "/", "HTTP/1.1", "no usable member",
                        "503 to the client", -1));
    }

    /**
     * The request comes as Undertow hands it over, one char per byte: UTF-8 {@code é} is the two chars
     * C3 A9 and is written {@code \xC3\xA9} once (not encoded a second time), a byte that is not UTF-8
     * as itself, exactly as the request log writes the same request.
     */
    @Test
    void escapesTheRequestAsTheRequestLogDoesSoALineNeverBreaksOrShiftsItsFields() {
        String wire = "/a b\"\\\r\n\u00c3\u00a9\u00f0\u009f\u0098\u0080\u00ff";
        assertEquals("- @a m \"GET /a\\x20b\\x22\\x5C\\x0D\\x0A\\xC3\\xA9\\xF0\\x9F\\x98\\x80\\xFF HTTP/1.1\": x; y",
                ErrorLogLine.format("", "@a", "m", "GET", wire, "HTTP/1.1", "x", "y", -1));
        assertEquals("/a\\x20b\\x22\\x5C\\x0D\\x0A\\xC3\\xA9\\xF0\\x9F\\x98\\x80\\xFF", RequestLogFormatter.plainField(wire));
    }

    @Test
    void namesAClusterWithAtAndASingleUpstreamByItsUrl() {
        assertEquals("@shop", ErrorLogLine.clusterLabel("shop"));
        assertEquals("http://10.0.0.7:8080", ErrorLogLine.clusterLabel("http://10.0.0.7:8080"));
    }
}
