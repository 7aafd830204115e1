package io.gatehouse.handler;

/**
 * The single byte range a {@code Range} header asks for (RFC 9110 §14.1.2), resolved against the
 * file's size: {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}.
 *
 * <p>{@link #parse} returns {@code null} when the whole file should be sent with 200: no header, a
 * unit other than bytes, a malformed or reversed range, or several ranges. RFC 9110 lets a server
 * ignore {@code Range}; answering several ranges would need {@code multipart/byteranges}, which
 * browsers and download tools do not need for resuming or seeking.
 *
 * @param first the first byte sent
 * @param last  the last byte sent (inclusive)
 */
record ByteRange(long first, long last) {
    /** Well-formed, but no byte of it is in the file: 416 with {@code Content-Range: bytes *}{@code /size}. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return last - first + 1;
    }

    static ByteRange parse(String header, long size) {
        if (header == null || !header.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = header.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String from = spec.substring(0, dash).strip();
        String to = spec.substring(dash + 1).strip();
        if (from.isEmpty()) {
            long suffix = digits(to);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        long first = digits(from);
        if (first < 0) {
            return null;
        }
        long last = Long.MAX_VALUE;
        if (!to.isEmpty()) {
            last = digits(to);
            if (last < first) {
                return null;
            }
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /** Non-negative decimal, {@code Long.MAX_VALUE} when too large; -1 when not all digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (value > (Long.MAX_VALUE - 9) / 10) {
                value = Long.MAX_VALUE;
            } else {
                value = value * 10 + (c - '0');
            }
        }
        return value;
    }
}
