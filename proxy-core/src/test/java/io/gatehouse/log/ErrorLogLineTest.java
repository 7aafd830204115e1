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
    void leavesOutTheAttemptTimeWhenThereIsNone() {
        assertEquals("id @shop - \"GET / HTTP/1.1\": no usable member; 503 to the client",
                ErrorLogLine.format("id", "@shop", "-", "GET", "/", "HTTP/1.1", "no usable member",
                        "503 to the client", -1));
    }

    @Test
    void escapesTheRequestSoALineNeverBreaksOrShiftsItsFields() {
        assertEquals("- @a m \"GET /a\\x20b\\x22\\x5C\\x0D\\x0A\\xC3\\xA9\\xF0\\x9F\\x98\\x80\\xEF\\xBF\\xBD HTTP/1.1\": x; y",
                ErrorLogLine.format("", "@a", "m", "GET", "/a b\"\\\r\n\u00e9\uD83D\uDE00\uD800", "HTTP/1.1", "x", "y", -1));
    }

    @Test
    void namesAClusterWithAtAndASingleUpstreamByItsUrl() {
        assertEquals("@shop", ErrorLogLine.clusterLabel("shop"));
        assertEquals("http://10.0.0.7:8080", ErrorLogLine.clusterLabel("http://10.0.0.7:8080"));
    }
}
