package io.gatehouse.upstream.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header values a member sent lately, so that a value seen again ({@code Server},
 * {@code Content-Type}, {@code Accept-Ranges}, an unchanged {@code ETag} or {@code Last-Modified},
 * this second's {@code Date}) is the same {@code String} as last time instead of a new one per
 * response. A direct-mapped table: a value whose slot holds another one replaces it.
 *
 * <p>Not thread-safe: one per {@link ResponseHead}, which one IO thread owns.
 */
final class RecentValues {
    private static final int SLOTS = 256;
    /** Longer values are rarely repeated byte for byte (cookies, long links): not kept. */
    private static final int MAX_LENGTH = 96;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] texts = new String[SLOTS];

    /** The value in {@code b[from, to)} as ISO-8859-1 text: the earlier {@code String} when it is the same. */
    String text(byte[] b, int from, int to) {
        int length = to - from;
        if (length > MAX_LENGTH) {
            return new String(b, from, length, StandardCharsets.ISO_8859_1);
        }
        int h = length;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 11)) & (SLOTS - 1);
        byte[] known = bytes[slot];
        if (known != null && Arrays.equals(known, 0, known.length, b, from, to)) {
            return texts[slot];
        }
        String text = new String(b, from, length, StandardCharsets.ISO_8859_1);
        bytes[slot] = Arrays.copyOfRange(b, from, to);
        texts[slot] = text;
        return text;
    }
}
