package io.gatehouse.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireTextTest {

    private static String wire(byte... bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void asciiIsReturnedAsTheSameString() {
        String ua = "curl/8.5.0";
        assertSame(ua, WireText.decode(ua));
        assertNull(WireText.decode(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"caf\u00e9", "\u65e5\u672c\u8a9e", "emoji \uD83D\uDE00", "\u00ff\u0100\u07ff\u0800\uffff"})
    void utf8BytesAreDecoded(String text) {
        assertEquals(text, WireText.decode(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }

    @Test
    void bytesThatAreNotUtf8BecomeOneEscapeEach() {
        assertEquals("a\uDCFFb", WireText.decode(wire((byte) 'a', (byte) 0xFF, (byte) 'b')));
        assertEquals("\uDCC3", WireText.decode(wire((byte) 0xC3)), "a truncated sequence");
        assertEquals("\uDCC0\uDCAE", WireText.decode(wire((byte) 0xC0, (byte) 0xAE)), "an overlong dot");
        assertEquals("\uDCED\uDCA0\uDC80", WireText.decode(wire((byte) 0xED, (byte) 0xA0, (byte) 0x80)), "a surrogate");
        assertEquals("\uDCE6\u65e5", WireText.decode(wire((byte) 0xE6, (byte) 0xE6, (byte) 0x97, (byte) 0xA5)));
    }

    @Test
    void textThatIsNotFromTheWireIsLeftAlone() {
        String text = "\u65e5 and \u00e9";
        assertSame(text, WireText.decode(text));
    }
}
