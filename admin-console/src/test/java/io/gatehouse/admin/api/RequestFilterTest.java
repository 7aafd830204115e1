package io.gatehouse.admin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gatehouse.log.RequestLogRecord;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filters of {@code /api/requests} and its stream, on one record: a {@code GET /shop/cart?id=7} to
 * {@code Example.com:8080}, answered 503 through cluster {@code app}, for user {@code alice} with curl.
 */
class RequestFilterTest {
    static final RequestLogRecord RECORD = new RequestLogRecord(LocalDateTime.of(2026, 12, 3, 12, 0, 0),
            "10.0.0.9:51000", "Example.com:8080", "GET", "/shop/cart?id=7", "HTTP/1.1", 503, 0, 120, "REQ-42abc", 7,
            "alice", null, "curl/8.5", 3, 0, "app", "10.1.0.1:80", 2, null, "10.0.0.9");

    static Map<String, Deque<String>> query(String text) {
        Map<String, Deque<String>> q = new HashMap<>();
        if (!text.isEmpty()) {
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                q.computeIfAbsent(pair.substring(0, eq), k -> new ArrayDeque<>()).add(pair.substring(eq + 1));
            }
        }
        return q;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'', true",
        "status=503, true",
        "status=5xx, true",
        "status=5XX, true",
        "status=500, false",
        "status=4xx, false",
        "cluster=app, true",
        "cluster=@app, true",
        "cluster=api, false",
        "host=example.com, true",
        "host=EXAMPLE.COM, true",
        "host=example.com:8080, false",
        "host=other.example, false",
        "q=CART, true",
        "q=example, true",
        "q=10.0.0.9, true",
        "q=ALICE, true",
        "q=curl, true",
        "q=req-42, true",
        "q=bob, false",
        "status=5xx&cluster=app&host=example.com&q=cart, true",
        "status=5xx&cluster=app&host=example.com&q=bob, false",
        "q=, true",
    })
    void aRecordPassesWhenEveryGivenFilterMatches(String text, boolean passes) {
        assertEquals(passes, RequestFilter.from(query(text)).test(RECORD));
    }

    @ParameterizedTest
    @ValueSource(strings = {"status=6xx", "status=5x", "status=abc", "status=5000"})
    void aStatusThatIsNeitherAStatusNorAClassIsRefused(String text) {
        assertThrows(RequestFilter.BadFilter.class, () -> RequestFilter.from(query(text)));
    }

    @ParameterizedTest
    @CsvSource({"example.com:8080, example.com", "[::1]:5000, [::1]", "localhost, localhost"})
    void theHostIsTheServerFieldWithoutItsPort(String server, String host) {
        assertEquals(host, RequestFilter.hostOf(server));
    }
}
