package io.gatehouse.log;

import java.nio.charset.StandardCharsets;

/**
 * A request-log line being built as ASCII bytes, reused line after line by the writer thread: values
 * go in as bytes directly (runs of plain characters in one bulk copy), so a line costs no builder and
 * no char-to-byte pass.
 */
final class LineBuffer {
    private byte[] bytes;
    private int length;

    LineBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    /** Copies the line into {@code dst} at {@code at}. */
    void copyTo(byte[] dst, int at) {
        System.arraycopy(bytes, 0, dst, at, length);
    }

    LineBuffer put(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
        return this;
    }

    LineBuffer put(String ascii) {
        return put(ascii, 0, ascii.length());
    }

    /** {@code s[from, to)}, which the caller has checked is ASCII. */
    @SuppressWarnings("deprecation")
    LineBuffer put(String s, int from, int to) {
        int n = to - from;
        ensure(n);
        s.getBytes(from, to, bytes, length); // one byte per char: exactly right for ASCII
        length += n;
        return this;
    }

    LineBuffer put(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return put(Long.toString(v));
            }
            put('-');
            v = -v;
        }
        ensure(19);
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int at = length + digits;
        length = at;
        do {
            bytes[--at] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return this;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }

    private void ensure(int n) {
        if (length + n > bytes.length) {
            byte[] bigger = new byte[Math.max(bytes.length * 2, length + n)];
            System.arraycopy(bytes, 0, bigger, 0, length);
            bytes = bigger;
        }
    }
}
