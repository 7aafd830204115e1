package io.gatehouse.server.h2;

/**
 * Why Gatehouse refused a request that came over HTTP/2: each is a 400 whose reason goes into the JSON
 * error body and the request log. The RFC 9113 section each one enforces is in {@code docs/http2.md}.
 */
public enum Http2Violation {
    /** §8.2.2: {@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}. */
    CONNECTION_SPECIFIC_FIELD("connection-specific header field in an HTTP/2 request"),
    /** §8.2.2: {@code te} may only say {@code trailers}. */
    TE_NOT_TRAILERS("te other than trailers in an HTTP/2 request"),
    /** §8.2.1, §8.2: a name that is empty, not a token, or has an uppercase letter. */
    INVALID_FIELD_NAME("invalid header field name in an HTTP/2 request"),
    /** §8.3: a pseudo-header field that is not one of the request's four. */
    UNEXPECTED_PSEUDO_HEADER("unexpected pseudo-header field in an HTTP/2 request"),
    /** §8.2.1: CR, LF, NUL (or any control character but HTAB, as the HTTP/1.1 edge has it) in a value. */
    INVALID_FIELD_VALUE("invalid character in a header field value of an HTTP/2 request"),
    /** §8.2.1: a value that starts or ends with SP or HTAB. */
    FIELD_VALUE_WHITESPACE("header field value with leading or trailing whitespace in an HTTP/2 request"),
    /** §8.3.1: {@code :path} empty, not starting with {@code /}, or with a character a request target cannot have. */
    INVALID_PATH("invalid :path in an HTTP/2 request"),
    /** §8.3.1: {@code *} is the target of OPTIONS only. */
    ASTERISK_WITHOUT_OPTIONS("asterisk :path is only allowed with OPTIONS"),
    /** §8.3.1: {@code :scheme} other than the connection's ({@code http} on h2c, {@code https} on TLS). */
    SCHEME_MISMATCH(":scheme does not match the connection"),
    /** §8.3.1: no {@code :authority} (nor {@code Host}) to route by. */
    MISSING_AUTHORITY("HTTP/2 request without :authority"),
    /** §8.3.1: an {@code :authority} that is not a host with an optional port (userinfo among the refused). */
    INVALID_AUTHORITY("invalid :authority in an HTTP/2 request"),
    /**
     * §8.3.1: {@code :authority} and {@code Host} name different hosts or ports, or either comes twice.
     * Seen only where the connection is a {@link StrictHttp2Channel}: Undertow replaces {@code Host} by
     * {@code :authority} before any handler runs.
     */
    AUTHORITY_HOST_MISMATCH(":authority and Host disagree"),
    /** §8.1.1, RFC 9110 §8.6: more than one {@code content-length}, or one that is not a decimal number. */
    INVALID_CONTENT_LENGTH("invalid content-length in an HTTP/2 request"),
    /** §8.1.1: a {@code content-length} above 0 on a stream that ended with its headers. */
    CONTENT_LENGTH_WITHOUT_DATA("content-length does not match the DATA frames of an HTTP/2 request");

    private final String reason;

    Http2Violation(String reason) {
        this.reason = reason;
    }

    /** Short plain-ASCII reason for the error body and the log. */
    public String reason() {
        return reason;
    }
}
