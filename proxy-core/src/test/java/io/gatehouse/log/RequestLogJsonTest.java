package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLogJsonTest {

    @Test
    void seedExampleBecomesAnObjectWithTheSeventeenFieldsInLogOrderThenTheUpstreamOnes() {
        assertEquals("{\"date\":\"2016.12.30\",\"time\":\"18:05:06\",\"client\":\"127.0.0.1:1778\","
                        + "\"server\":\"localhost:5000\",\"method\":\"GET\",\"url\":\"/\",\"protocol\":\"HTTP/1.1\","
                        + "\"status\":200,\"bytes_recv\":0,\"bytes_sent\":32970,\"gtid\":\"GTID-C3-R8\",\"ltid\":1000,"
                        + "\"user\":null,\"token\":null,\"user_agent\":\"" + Records.FIREFOX + "\","
                        + "\"handling_ms\":4,\"sending_ms\":3,\"cluster\":null,\"member\":null,\"attempts\":0,"
                        + "\"cache\":null,\"client_ip\":null}",
                RequestLogJson.toJson(Records.seedExample()));
    }

    @Test
    void aProxiedRequestCarriesItsClusterFinalMemberAndAttemptsAfterTheSeventeen() {
        RequestLogRecord seed = Records.seedExample();
        RequestLogRecord r = new RequestLogRecord(seed.received(), seed.client(), seed.server(), seed.method(),
                seed.url(), seed.protocol(), 200, 0, 5, "g", 7, null, null, null, 4, 0, "shop", "[::1]:5001", 2);
        String json = RequestLogJson.toJson(r);
        assertTrue(json.endsWith(",\"handling_ms\":4,\"sending_ms\":0,\"cluster\":\"shop\",\"member\":\"[::1]:5001\","
                + "\"attempts\":2,\"cache\":null,\"client_ip\":null}"), json);
        // The text line keeps exactly the 17 fields.
        assertEquals(17, RequestLogFormatter.parse(RequestLogFormatter.format(r)).size());
    }

    @Test
    void aRequestTheResponseCacheSawCarriesItsStatusLast() {
        RequestLogRecord seed = Records.seedExample();
        RequestLogRecord r = new RequestLogRecord(seed.received(), seed.client(), seed.server(), seed.method(),
                seed.url(), seed.protocol(), 200, 0, 5, "g", 7, null, null, null, 4, 0, "shop", null, 0, "HIT");
        String json = RequestLogJson.toJson(r);
        assertTrue(json.endsWith(",\"cluster\":\"shop\",\"member\":null,\"attempts\":0,\"cache\":\"HIT\",\"client_ip\":null}"), json);
        assertEquals(17, RequestLogFormatter.parse(RequestLogFormatter.format(r)).size());
    }

    @Test
    void theClientFoundBehindTrustedProxiesComesLastWhileFieldThreeStaysTheSocketPeer() {
        RequestLogRecord seed = Records.seedExample();
        RequestLogRecord r = new RequestLogRecord(seed.received(), "10.0.0.2:41000", seed.server(), seed.method(),
                seed.url(), seed.protocol(), 200, 0, 5, "g", 7, null, null, null, 4, 0, null, null, 0, null,
                "203.0.113.7");
        String json = RequestLogJson.toJson(r);
        assertTrue(json.startsWith("{\"date\":\"2016.12.30\",\"time\":\"18:05:06\",\"client\":\"10.0.0.2:41000\","), json);
        assertTrue(json.endsWith(",\"cache\":null,\"client_ip\":\"203.0.113.7\"}"), json);
        assertEquals("10.0.0.2:41000", RequestLogFormatter.parse(RequestLogFormatter.format(r)).get(2));
    }

    @Test
    void fieldNamesFollowTheLogOrder() {
        String json = RequestLogJson.toJson(Records.numbered(1));
        String[] names = {"date", "time", "client", "server", "method", "url", "protocol", "status", "bytes_recv",
            "bytes_sent", "gtid", "ltid", "user", "token", "user_agent", "handling_ms", "sending_ms", "cluster",
            "member", "attempts", "cache", "client_ip"};
        int at = -1;
        for (String name : names) {
            int next = json.indexOf("\"" + name + "\":");
            assertTrue(next > at, name + " out of order in " + json);
            at = next;
        }
    }

    @Test
    void stringsAreEscapedForJson() {
        RequestLogRecord r = Records.withStrings("[::1]:5000", "h:80", "GET", "/a\"b\\c", "HTTP/1.1", "g",
                "line\nbreak\r\ttab\u0001\u007F", "", "sep\u2028\u2029 caf\u00e9 \uD83D\uDE00 lone\uDC00 </script>");
        String json = RequestLogJson.toJson(r);
        assertTrue(json.contains("\"url\":\"/a\\\"b\\\\c\""), json);
        assertTrue(json.contains("\"user\":\"line\\nbreak\\r\\ttab\\u0001\\u007f\""), json);
        assertTrue(json.contains("\"token\":null"), json);
        assertTrue(json.contains("\"user_agent\":\"sep\\u2028\\u2029 caf\u00e9 \uD83D\uDE00 lone\\udc00 </script>\""),
                json);
    }

    @Test
    void arrayKeepsTheListOrder() {
        assertEquals("[]", RequestLogJson.toJsonArray(List.of()));
        String json = RequestLogJson.toJsonArray(List.of(Records.numbered(2), Records.numbered(1)));
        assertEquals("[" + RequestLogJson.toJson(Records.numbered(2)) + "," + RequestLogJson.toJson(Records.numbered(1))
                + "]", json);
    }
}
