package io.gatehouse.upstream.http1;

import java.nio.ByteBuffer;

/**
 * Reads a chunked body (RFC 9112 §7.1) in place: it steps over the framing in a buffer and says how
 * many of the bytes that follow are body, so the caller can pass them on without copying. Sizes,
 * extensions and trailers are checked strictly (CRLF line ends, hex sizes that fit, no control
 * characters); trailers are read and dropped. One decoder per body.
 */
public final class ChunkedDecoder {
    /** Longest chunk-size line (with extensions) and longest trailer section accepted. */
    static final int MAX_LINE = 4096;
    static final int MAX_TRAILERS = 16 * 1024;

    private static final int SIZE_FIRST = 0;
    private static final int SIZE = 1;
    private static final int EXTENSION = 2;
    private static final int SIZE_LF = 3;
    private static final int DATA = 4;
    private static final int DATA_CR = 5;
    private static final int DATA_LF = 6;
    private static final int TRAILER_START = 7;
    private static final int TRAILER = 8;
    private static final int TRAILER_LF = 9;
    private static final int FINAL_LF = 10;
    private static final int DONE = 11;

    private int state = SIZE_FIRST;
    private long size;
    private int digits;
    private int lineBytes;
    private int trailerBytes;

    /**
     * Consumes framing bytes from {@code buf} (in read mode) up to the next body bytes.
     *
     * @return how many body bytes follow at {@code buf.position()} before the next framing (possibly more
     *         than {@code buf.remaining()}: the rest comes in later reads); 0 when {@code buf} is used up
     *         and more input is needed; -1 once the last chunk and the trailers have been read
     */
    public long available(ByteBuffer buf) throws MalformedResponseException {
        while (true) {
            if (state == DATA) {
                if (size > 0) {
                    return buf.hasRemaining() ? size : 0;
                }
                state = DATA_CR;
            }
            if (state == DONE) {
                return -1;
            }
            if (!buf.hasRemaining()) {
                return 0;
            }
            step(buf.get() & 0xff);
        }
    }

    /** The caller passed on {@code n} of the body bytes {@link #available} announced. */
    public void consumed(long n) {
        size -= n;
    }

    /** True once the whole body, trailers included, has been read. */
    public boolean isDone() {
        return state == DONE;
    }

    private void step(int c) throws MalformedResponseException {
        switch (state) {
            case SIZE_FIRST -> {
                int v = hex(c);
                if (v < 0) {
                    throw new MalformedResponseException("malformed chunk size in the response body");
                }
                size = v;
                digits = 1;
                lineBytes = 1;
                state = SIZE;
            }
            case SIZE -> {
                int v = hex(c);
                if (v >= 0) {
                    if (++digits > 15) {
                        throw new MalformedResponseException("chunk size too large in the response body");
                    }
                    size = size << 4 | v;
                } else if (c == '\r') {
                    state = SIZE_LF;
                } else if (c == ';' || c == ' ' || c == '\t') {
                    state = EXTENSION;
                } else {
                    throw new MalformedResponseException("malformed chunk size in the response body");
                }
                line();
            }
            case EXTENSION -> {
                if (c == '\r') {
                    state = SIZE_LF;
                } else if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new MalformedResponseException("control character in a chunk extension");
                }
                line();
            }
            case SIZE_LF -> {
                expect(c, '\n');
                state = size == 0 ? TRAILER_START : DATA;
            }
            case DATA_CR -> {
                expect(c, '\r');
                state = DATA_LF;
            }
            case DATA_LF -> {
                expect(c, '\n');
                state = SIZE_FIRST;
            }
            case TRAILER_START -> {
                if (c == '\r') {
                    state = FINAL_LF;
                } else if (ResponseHead.isTokenChar(c)) {
                    trailer();
                    state = TRAILER;
                } else {
                    throw new MalformedResponseException("malformed trailer in the response body");
                }
            }
            case TRAILER -> {
                if (c == '\r') {
                    state = TRAILER_LF;
                } else if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new MalformedResponseException("control character in a trailer");
                }
                trailer();
            }
            case TRAILER_LF -> {
                expect(c, '\n');
                trailer();
                state = TRAILER_START;
            }
            case FINAL_LF -> {
                expect(c, '\n');
                state = DONE;
            }
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void line() throws MalformedResponseException {
        if (++lineBytes > MAX_LINE) {
            throw new MalformedResponseException("chunk size line too long in the response body");
        }
    }

    private void trailer() throws MalformedResponseException {
        if (++trailerBytes > MAX_TRAILERS) {
            throw new MalformedResponseException("trailers too large in the response body");
        }
    }

    private static void expect(int c, char wanted) throws MalformedResponseException {
        if (c != wanted) {
            throw new MalformedResponseException("malformed chunk framing in the response body");
        }
    }

    /** A hex digit's value, or -1 (for byte values, only ASCII counts as a digit). */
    private static int hex(int c) {
        return Character.digit(c, 16);
    }
}
