package io.gatehouse.cache.handler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ResponsesTest {
    /** Three stored buffers of ten bytes each, 0..29, the middle one read from a position. */
    private static ByteBuffer[] body() {
        ByteBuffer middle = ByteBuffer.allocate(15);
        for (int i = 0; i < 15; i++) {
            middle.put((byte) (i < 5 ? 99 : 5 + i));
        }
        middle.flip().position(5);
        return new ByteBuffer[] {ByteBuffer.wrap(bytes(0, 10)), middle.asReadOnlyBuffer(), ByteBuffer.wrap(bytes(20, 10))};
    }

    private static byte[] bytes(int from, int count) {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static byte[] join(ByteBuffer[] buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : buffers) {
            ByteBuffer d = b.duplicate();
            while (d.hasRemaining()) {
                out.write(d.get());
            }
        }
        return out.toByteArray();
    }

    @Test
    void aPartIsCutFromTheStoredBuffersWhereverItStartsAndEnds() {
        ByteBuffer[] stored = body();
        assertArrayEquals(bytes(5, 20), join(Responses.slice(stored, 5, 20)), "across all three");
        assertArrayEquals(bytes(12, 3), join(Responses.slice(stored, 12, 3)), "inside the middle one");
        assertArrayEquals(bytes(10, 10), join(Responses.slice(stored, 10, 10)), "exactly the middle one");
        assertEquals(1, Responses.slice(stored, 10, 10).length);
        assertArrayEquals(bytes(29, 1), join(Responses.slice(stored, 29, 1)), "the last byte");
        assertArrayEquals(bytes(0, 30), join(Responses.slice(stored, 0, 30)), "all of it");
        assertEquals(5, stored[1].position(), "the stored buffers are not moved");
        assertEquals(15, stored[1].limit());
    }
}
