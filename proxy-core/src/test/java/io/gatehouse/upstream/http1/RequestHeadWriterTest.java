package io.gatehouse.upstream.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestHeadWriterTest {
    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesTheCanonicalForm() {
        RequestHeadWriter w = new RequestHeadWriter(16);
        w.start(Methods.GET, "/a/b?c=d");
        w.header(Headers.HOST, "shop.example");
        w.header(new HttpString("X-Latin"), "caf\u00e9");
        assertEquals("GET /a/b?c=d HTTP/1.1\r\nHost: shop.example\r\nX-Latin: caf\u00e9\r\n\r\n", text(w.finish()));
    }

    @Test
    void growsForALargeHeadAndStartsAfreshEachTime() {
        RequestHeadWriter w = new RequestHeadWriter(16);
        String big = "v".repeat(40_000);
        w.start(Methods.POST, "/upload").header(new HttpString("X-Big"), big);
        assertEquals("POST /upload HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n", text(w.finish()));
        w.start(Methods.HEAD, "/");
        assertEquals("HEAD / HTTP/1.1\r\n\r\n", text(w.finish()));
    }

    @Test
    void aHeadThatFitsGoesOutInTheWritersOwnDirectBuffer() {
        RequestHeadWriter w = new RequestHeadWriter(64);
        ByteBuffer first = w.start(Methods.GET, "/one").finish();
        assertTrue(first.isDirect(), "a socket write takes a direct buffer without copying it first");
        assertEquals("GET /one HTTP/1.1\r\n\r\n", text(first));
        w.start(Methods.GET, "/two").header(Headers.HOST, "a");
        ByteBuffer second = w.finish();
        assertSame(first, second, "one buffer per writer, reused");
        assertEquals("GET /two HTTP/1.1\r\nHost: a\r\n\r\n", text(second));
        String big = "v".repeat(100);
        w.start(Methods.GET, "/three").header(new HttpString("X-Big"), big);
        ByteBuffer longer = w.finish();
        assertFalse(longer.isDirect(), "a head longer than the direct buffer goes out from the array");
        assertEquals("GET /three HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n", text(longer));
    }
}
