package io.gatehouse.cache.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The body a fill copies as it streams, read by waiting clients as it grows. */
class GrowingBodyTest {
    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.US_ASCII);
    }

    @Test
    void aReaderGetsEachChunkInOrderAndIsWokenOnceForTheNext() {
        GrowingBody body = new GrowingBody(100);
        AtomicInteger woken = new AtomicInteger();
        ByteBuffer src = bytes("abc");
        assertTrue(body.append(src));
        assertEquals(0, src.position(), "the source's position is the caller's");
        assertEquals("abc", text(body.next(0, woken::incrementAndGet)));
        assertNull(body.next(1, woken::incrementAndGet), "nothing yet: the reader waits");
        assertTrue(body.append(bytes("de")));
        assertEquals(1, woken.get(), "the next chunk wakes the waiting reader once");
        assertTrue(body.append(bytes("f")));
        assertEquals(1, woken.get());
        assertEquals("de", text(body.next(1, woken::incrementAndGet)));
        assertEquals("f", text(body.next(2, woken::incrementAndGet)));
        assertEquals(6, body.length());
    }

    @Test
    void theEndWakesWaitingReadersAndTellsWholeFromBroken() {
        GrowingBody whole = new GrowingBody(100);
        AtomicInteger woken = new AtomicInteger();
        assertNull(whole.next(0, woken::incrementAndGet));
        whole.complete();
        assertEquals(1, woken.get());
        assertTrue(whole.isWhole());
        assertNull(whole.next(0, woken::incrementAndGet), "ended: nothing more, nothing registered");
        whole.complete();
        assertEquals(1, woken.get());

        GrowingBody broken = new GrowingBody(100);
        assertNull(broken.next(0, woken::incrementAndGet));
        broken.abandon();
        assertEquals(2, woken.get());
        assertTrue(broken.isBroken());
        assertFalse(broken.isWhole());
    }

    @Test
    void passingTheMaximumBreaksTheBodyAndKeepsNothingMore() {
        GrowingBody body = new GrowingBody(5);
        assertTrue(body.append(bytes("abcd")));
        assertFalse(body.append(bytes("ef")), "past cache_max_object");
        assertTrue(body.isBroken());
        assertFalse(body.append(bytes("g")));
        assertEquals(4, body.length());
    }

    @Test
    void chunksAreCopiesTheSourceCanReuse() {
        GrowingBody body = new GrowingBody(100);
        ByteBuffer src = bytes("xyz");
        body.append(src);
        src.put(0, (byte) 'Q');
        body.complete();
        assertEquals("xyz", text(body.chunks().get(0).duplicate()));
        assertTrue(body.chunks().get(0).isReadOnly());
    }
}
