package io.gatehouse.upstream.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {
    private static final String BODY = "5\r\nhello\r\n1;name=value;q=\"x y\"\r\n \r\n"
            + "10\r\n0123456789abcdef\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n";
    private static final String DECODED = "hello 0123456789abcdef";

    /** Feeds {@code text} {@code step} bytes at a time, as reads would bring it; returns the body. */
    private static String decode(String text, int step) throws MalformedResponseException {
        ChunkedDecoder decoder = new ChunkedDecoder();
        byte[] all = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < all.length; off += step) {
            ByteBuffer buf = ByteBuffer.wrap(all, off, Math.min(step, all.length - off));
            while (true) {
                long n = decoder.available(buf);
                if (n <= 0) {
                    if (n < 0) {
                        assertFalse(buf.hasRemaining(), "nothing after the trailers");
                        assertTrue(decoder.isDone());
                        return out.toString(StandardCharsets.ISO_8859_1);
                    }
                    break;
                }
                int take = (int) Math.min(n, buf.remaining());
                out.write(all, buf.position(), take);
                buf.position(buf.position() + take);
                decoder.consumed(take);
            }
        }
        throw new AssertionError("the body did not end: " + out);
    }

    @Test
    void decodesSizesExtensionsAndTrailersInOneBuffer() throws Exception {
        assertEquals(DECODED, decode(BODY, BODY.length()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16})
    void decodesTheSameWhereverTheReadsSplitIt(int step) throws Exception {
        assertEquals(DECODED, decode(BODY, step));
    }

    @Test
    void anEmptyBodyIsTheLastChunkAlone() throws Exception {
        assertEquals("", decode("0\r\n\r\n", 1));
    }

    @Test
    void upperCaseHexIsASize() throws Exception {
        assertEquals("x".repeat(0x1A), decode("1A\r\n" + "x".repeat(0x1A) + "\r\n0\r\n\r\n", 5));
    }

    @Test
    void saysHowMuchBodyFollowsEvenBeyondTheBuffer() throws Exception {
        ChunkedDecoder decoder = new ChunkedDecoder();
        ByteBuffer buf = ByteBuffer.wrap("400\r\nabc".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(0x400, decoder.available(buf));
        assertEquals(3, buf.remaining());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not hex                              | x\\r\\n
            no size                              | \\r\\n
            a sign                               | -5\\r\\nhello\\r\\n
            bare LF after the size               | 5\\nhello\\r\\n
            data not followed by CRLF            | 5\\r\\nhelloXX
            bare LF after the data               | 5\\r\\nhello\\n
            16 hex digits                        | 1000000000000000\\r\\n
            control character in an extension    | 5;a\\u0001b\\r\\nhello\\r\\n
            bare LF in the trailers              | 0\\r\\nX: 1\\nY: 2\\r\\n\\r\\n
            trailer without a name               | 0\\r\\n: x\\r\\n\\r\\n
            CR not followed by LF at the end     | 0\\r\\n\\rX
            """)
    void refusesBrokenFraming(String name, String escaped) {
        String text = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001");
        assertThrows(MalformedResponseException.class, () -> decode(text + "0\r\n\r\n", 64), name);
    }

    @Test
    void refusesAnEndlessSizeLine() {
        String text = "5;" + "e".repeat(ChunkedDecoder.MAX_LINE) + "\r\nhello\r\n0\r\n\r\n";
        assertThrows(MalformedResponseException.class, () -> decode(text, 512));
    }

    @Test
    void refusesEndlessTrailers() {
        String text = "0\r\n" + "X-T: v\r\n".repeat(ChunkedDecoder.MAX_TRAILERS / 8 + 1) + "\r\n";
        assertThrows(MalformedResponseException.class, () -> decode(text, 4096));
    }
}
