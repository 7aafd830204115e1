package io.gatehouse.server.edge;

/**
 * Why the edge refused a request: each value carries the status the client receives and a short,
 * plain-ASCII reason that travels in the {@code X-Gatehouse-Edge-Reject} marker and the request log.
 */
enum FramingViolation {
    // Line ends and stray bytes
    BARE_LF(400, "bare LF in request head"),
    BARE_CR(400, "bare CR in request head"),
    NUL_BYTE(400, "NUL byte in request head"),
    TOO_MANY_EMPTY_LINES(400, "too many empty lines before request line"),

    // Request line
    INVALID_METHOD(400, "malformed request method"),
    METHOD_TOO_LONG(501, "request method longer than 33 characters"),
    MALFORMED_REQUEST_LINE(400, "request line must use single spaces"),
    INVALID_TARGET(400, "invalid request target"),
    ASTERISK_WITHOUT_OPTIONS(400, "asterisk target is only allowed with OPTIONS"),
    CONNECT_NOT_ALLOWED(405, "CONNECT is not allowed"),
    MALFORMED_VERSION(400, "malformed HTTP version"),
    UNSUPPORTED_VERSION(505, "HTTP version not supported"),
    REQUEST_LINE_TOO_LONG(414, "request line too long"),
    HEAD_TIMEOUT(408, "request head not complete within header_timeout"),

    // Header section
    HEAD_TOO_LARGE(431, "request head too large"),
    TOO_MANY_FIELDS(431, "too many header fields"),
    OBS_FOLD(400, "obsolete line folding"),
    EMPTY_FIELD_NAME(400, "empty header field name"),
    INVALID_FIELD_NAME(400, "invalid character in header field name"),
    AMBIGUOUS_FIELD_NAME(400, "underscore in a framing header name"),
    WHITESPACE_BEFORE_COLON(400, "whitespace between header field name and colon"),
    MISSING_COLON(400, "header line without colon"),
    INVALID_FIELD_VALUE(400, "invalid character in header field value"),
    FORGED_MARKER(400, "client sent X-Gatehouse-Edge-Reject"),

    // Host
    MISSING_HOST(400, "missing Host header"),
    DUPLICATE_HOST(400, "more than one Host header"),
    INVALID_HOST(400, "invalid Host header"),
    HOST_MISMATCH(400, "Host does not match the request target"),

    // Framing
    CONTENT_LENGTH_AND_TRANSFER_ENCODING(400, "both Content-Length and Transfer-Encoding"),
    DUPLICATE_CONTENT_LENGTH(400, "more than one Content-Length"),
    INVALID_CONTENT_LENGTH(400, "invalid Content-Length"),
    TRANSFER_ENCODING_IN_HTTP10(400, "Transfer-Encoding in HTTP/1.0 request"),
    MALFORMED_TRANSFER_ENCODING(400, "malformed Transfer-Encoding"),
    CHUNKED_NOT_FINAL(400, "Transfer-Encoding must end with chunked, once"),
    UNSUPPORTED_TRANSFER_CODING(501, "unsupported transfer coding"),

    // Chunked body
    MALFORMED_CHUNK_SIZE(400, "malformed chunk size"),
    CHUNK_SIZE_TOO_LONG(400, "chunk size too long"),
    MALFORMED_CHUNK_EXTENSION(400, "malformed chunk extension"),
    CHUNK_LINE_TOO_LONG(400, "chunk size line too long"),
    CHUNK_LINE_END(400, "chunk size line must end with CRLF"),
    MISSING_CRLF_AFTER_CHUNK_DATA(400, "missing CRLF after chunk data"),
    TRAILERS_TOO_LARGE(431, "trailer section too large");

    private final int status;
    private final String reason;

    FramingViolation(int status, String reason) {
        this.status = status;
        this.reason = reason;
    }

    /** The HTTP status the client receives. */
    int status() {
        return status;
    }

    /** Short plain-ASCII reason; never contains CR, LF or characters outside 0x20..0x7E. */
    String reason() {
        return reason;
    }
}
