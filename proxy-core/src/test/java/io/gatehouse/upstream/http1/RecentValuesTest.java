package io.gatehouse.upstream.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentValuesTest {
    private final RecentValues recent = new RecentValues();

    private String text(String framed, int from, int to) {
        return recent.text(framed.getBytes(StandardCharsets.ISO_8859_1), from, to);
    }

    @Test
    void aValueSeenAgainIsTheSameStringAsBefore() {
        String first = text("Server: nginx/1.22.1\r\n", 8, 20);
        String again = text("xxServer: nginx/1.22.1\r\n", 10, 22);
        assertEquals("nginx/1.22.1", first);
        assertSame(first, again);
    }

    @Test
    void everyValueComesBackAsItsOwnTextWhateverSharesItsSlot() {
        // far more values than slots: every answer must still be its own bytes, slots replaced as needed
        Map<String, String> seen = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2000; i++) {
                String v = "W/\"" + Integer.toHexString(i * 7919) + "\"";
                String got = text("  " + v + "\r\n", 2, 2 + v.length());
                assertEquals(v, got);
                seen.put(v, got);
            }
        }
        assertEquals(2000, seen.size());
    }

    @Test
    void valuesDifferingOnlyInCaseOrLengthAreNotConfused() {
        assertEquals("keep-alive", text("keep-alive", 0, 10));
        assertEquals("Keep-Alive", text("Keep-Alive", 0, 10));
        assertEquals("keep-aliv", text("keep-alive", 0, 9));
        assertEquals("", text("keep-alive", 3, 3));
    }

    @Test
    void longValuesAreNotKept() {
        String v = "a".repeat(200);
        assertNotSame(text(v, 0, 200), text(v, 0, 200));
        assertEquals(v, text(v, 0, 200));
    }

    @Test
    void valuesAreReadAsIso88591() {
        byte[] b = {'c', 'a', 'f', (byte) 0xe9};
        assertEquals("caf\u00e9", recent.text(b, 0, 4));
    }
}
