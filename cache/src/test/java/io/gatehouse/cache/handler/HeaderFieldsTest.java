package io.gatehouse.cache.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy's view of a header map finds a field whatever case either side names it in. */
class HeaderFieldsTest {
    private static HeaderMap map() {
        HeaderMap map = new HeaderMap();
        map.add(new HttpString("cache-control"), "no-cache");     // a client's lower-case name
        map.add(Headers.CACHE_CONTROL, "max-age=0");               // Undertow's constant for the same field
        map.add(Headers.IF_NONE_MATCH, "\"a\"");
        map.add(new HttpString("X-Custom-Flag"), "1");
        return map;
    }

    @Test
    void wellKnownNamesAreFoundAsTheyAreWrittenAndInAnyOtherCase() {
        HeaderFields f = new HeaderFields(map());
        assertEquals(List.of("no-cache", "max-age=0"), f.all("Cache-Control"));
        assertEquals(List.of("no-cache", "max-age=0"), f.all("cache-control"));
        assertEquals("no-cache", f.first("Cache-Control"));
        assertEquals("\"a\"", f.first("IF-NONE-MATCH"));
        assertTrue(f.has("If-None-Match"));
        assertFalse(f.has("Pragma"));
        assertNull(f.first("Authorization"));
        assertEquals(List.of(), f.all("Range"));
    }

    @Test
    void otherNamesAreFoundAsWell() {
        HeaderFields f = new HeaderFields(map());
        assertEquals("1", f.first("x-custom-flag"));
        assertTrue(f.has("X-CUSTOM-FLAG"));
        assertEquals(List.of("1"), f.all("X-Custom-Flag"));
        assertFalse(f.has("X-Other"));
    }
}
