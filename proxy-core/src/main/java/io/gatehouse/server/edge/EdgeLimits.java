package io.gatehouse.server.edge;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a client may send before its request head must be complete: the size limits the edge
 * enforces on every HTTP/1.1 request head, and how long a started head may take to arrive.
 *
 * @param maxHeaderSize  bytes in the whole request head, request line and final empty line included
 *                       (larger heads are refused with 431); also bounds a chunked body's trailer section
 * @param maxRequestLine bytes in the request line without its CRLF (longer lines are refused with 414);
 *                       also bounds one chunk-size line of a chunked body
 * @param maxHeaders     header fields in one head (more are refused with 431); also bounds trailer fields
 * @param headerTimeout  time from the first byte of a request head to its last; a client that is slower
 *                       has its connection closed
 */
public record EdgeLimits(int maxHeaderSize, int maxRequestLine, int maxHeaders, Duration headerTimeout) {

    /** The largest {@code maxHeaderSize} accepted: a held head is buffered per connection. */
    public static final int MAX_HEADER_SIZE_LIMIT = 1024 * 1024;

    /** 32 KiB heads, 8 KiB request lines, 100 header fields, 10 seconds to send a head. */
    public static final EdgeLimits DEFAULTS = new EdgeLimits(32 * 1024, 8 * 1024, 100, Duration.ofSeconds(10));

    public EdgeLimits {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        if (maxHeaderSize < 1 || maxHeaderSize > MAX_HEADER_SIZE_LIMIT) {
            throw new IllegalArgumentException(
                    "maxHeaderSize: " + maxHeaderSize + " (expected: 1.." + MAX_HEADER_SIZE_LIMIT + ")");
        }
        if (maxRequestLine < 1 || maxRequestLine > maxHeaderSize) {
            throw new IllegalArgumentException(
                    "maxRequestLine: " + maxRequestLine + " (expected: 1..maxHeaderSize=" + maxHeaderSize + ")");
        }
        if (maxHeaders < 1) {
            throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: >= 1)");
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero()
                || headerTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("headerTimeout: " + headerTimeout + " (expected: > 0 and <= 1 day)");
        }
    }

    /** These limits with another header timeout. */
    public EdgeLimits withHeaderTimeout(Duration timeout) {
        return new EdgeLimits(maxHeaderSize, maxRequestLine, maxHeaders, timeout);
    }
}
