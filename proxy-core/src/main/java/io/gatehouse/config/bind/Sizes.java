package io.gatehouse.config.bind;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes, with one unit table for every key (HAProxy §2.6): a plain integer is bytes; {@code k},
 * {@code m} and {@code g} multiply by 1024, 1024² and 1024³ ({@code 32k}, {@code 1m}). Integers only.
 */
public final class Sizes {
    /** What a size looks like, for messages. */
    public static final String EXPECTED = "a whole number of bytes, or of k, m or g (e.g. 8192, 32k, 1m)";

    private static final Pattern FORM = Pattern.compile("([0-9]{1,15})([kmgKMG])?");

    private Sizes() {
    }

    /** Parses {@code 8192}, {@code 32k}, {@code 1m}, {@code 2g} into bytes. */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new BadValueException(EXPECTED);
        }
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> 10;
            case 'm' -> 20;
            default -> 30;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new BadValueException(EXPECTED + ", at most 2^63-1 bytes");
        }
        return n << shift;
    }

    /** A size as an operator would write it back: {@code 32k}, {@code 1m}, {@code 1000}. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "g";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "m";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "k";
        }
        return Long.toString(bytes);
    }
}
