package io.gatehouse.log;

/**
 * Text as it came off the wire made Java text for the request log. Undertow reads a request's method,
 * target and header values one char per byte (ISO-8859-1), so a user agent sent as UTF-8
 * {@code é} (bytes C3 A9) arrives as the two chars {@code Ã©}; logged as such it would be written
 * {@code \xC3\x83\xC2\xA9}. {@link #decode} reads the bytes as UTF-8 instead. A byte that is not part
 * of valid UTF-8 becomes the lone surrogate U+DC80+byte (Python's "surrogateescape"), which
 * {@link RequestLogFormatter} writes back as that one byte, {@code \xHH}: the line shows exactly what
 * was sent.
 */
public final class WireText {
    /** The lone surrogates that stand for one byte that was not valid UTF-8: U+DC80..U+DCFF. */
    static final char FIRST_BYTE_ESCAPE = '\uDC80';
    static final char LAST_BYTE_ESCAPE = '\uDCFF';

    private WireText() {
    }

    /**
     * {@code wire} (one char per byte) decoded as UTF-8; the same String when it is all ASCII, which
     * costs one scan and no allocation. Null stays null; chars above U+00FF (not from the wire) are
     * left as they are.
     */
    public static String decode(String wire) {
        if (wire == null) {
            return null;
        }
        int n = wire.length();
        int i = 0;
        while (i < n && wire.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            return wire;
        }
        byte[] bytes = new byte[n];
        for (int k = 0; k < n; k++) {
            char c = wire.charAt(k);
            if (c > 0xFF) {
                return wire; // not bytes: already text
            }
            bytes[k] = (byte) c;
        }
        return decode(bytes, 0, n);
    }

    /** {@code bytes[from, to)} as UTF-8, each byte of an invalid sequence as U+DC80+byte. */
    static String decode(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int length;
            int cp;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
                cp = b & 0x1F;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                cp = b & 0x0F;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                cp = b & 0x07;
                min = 0x10000;
            } else {
                out.append((char) (FIRST_BYTE_ESCAPE + (b - 0x80)));
                i++;
                continue;
            }
            boolean valid = i + length <= to;
            for (int k = 1; valid && k < length; k++) {
                int c = bytes[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    valid = false;
                } else {
                    cp = cp << 6 | (c & 0x3F);
                }
            }
            if (!valid || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                out.append((char) (FIRST_BYTE_ESCAPE + (b - 0x80)));
                i++;
                continue;
            }
            out.appendCodePoint(cp);
            i += length;
        }
        return out.toString();
    }
}
