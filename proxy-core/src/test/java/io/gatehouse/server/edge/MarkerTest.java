package io.gatehouse.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The marker carries what a refused request said, whatever its bytes, inside one header value. */
class MarkerTest {

    private static String marker(String method, String target, String host) {
        StringBuilder s = new StringBuilder();
        Marker.write(405, "CONNECT is not allowed", method, target, host, s);
        return s.toString();
    }

    @Test
    void anyBytesGoThereAndBackAndTheValueStaysPrintableWithoutSpaces() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 256; c++) {
            all.append(c);
        }
        String m = marker(all.toString(), "/a b|c%d\u00e9", "h.example:8080");
        assertTrue(m.substring(m.indexOf('|')).matches("[\\x21-\\x7E]*"), m);
        assertEquals(405, Marker.status(m));
        assertEquals("CONNECT is not allowed", Marker.reason(m));
        assertEquals(all.toString(), Marker.method(m));
        assertEquals("/a b|c%d\u00e9", Marker.target(m));
        assertEquals("h.example:8080", Marker.host(m));
    }

    @Test
    void absentPartsReadAsEmptyAndAMarkerWithoutThemAsNone() {
        String m = marker(null, null, null);
        assertEquals("405 CONNECT is not allowed|||", m);
        assertEquals("", Marker.method(m));
        assertEquals("", Marker.host(m));
        assertNull(Marker.method("400 bare LF in request head"));
        assertNull(Marker.target("400 bare LF in request head"));
        assertNull(Marker.host("400 bare LF in request head"));
        assertEquals("bare LF in request head", Marker.reason("400 bare LF in request head"));
    }
}
