package io.gatehouse.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framing rules, driven with byte arrays: each input is scanned whole, split in two at every
 * position, and one byte at a time, and must give the same verdict every way.
 */
class RequestFramingScannerTest {

    private static final String H = "Host: a\r\n";
    private static final String CHUNKED_POST = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                // request line
                refused("double space after the method", "GET  / HTTP/1.1\r\n" + H + "\r\n", FramingViolation.MALFORMED_REQUEST_LINE),
                refused("double space after the target", "GET /  HTTP/1.1\r\n" + H + "\r\n", FramingViolation.MALFORMED_REQUEST_LINE),
                refused("space before the method", " GET / HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_METHOD),
                refused("tab as separator", "GET\t/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_METHOD),
                refused("non-token method", "G@T / HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_METHOD),
                refused("tab in the target", "GET /a\tb HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("byte above 0x7F in the target", "GET /caf\u00e9 HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("fragment in the target", "GET /a#b HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("bad percent escape", "GET /a%zz HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("truncated percent escape", "GET /a%4 HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("relative target", "GET a/b HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("other scheme", "GET ftp://a/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("absolute form without authority", "GET http:///x HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("absolute form with one slash", "GET http:/a HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("asterisk with GET", "GET * HTTP/1.1\r\n" + H + "\r\n", FramingViolation.ASTERISK_WITHOUT_OPTIONS),
                refused("asterisk followed by more", "OPTIONS *a HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("CONNECT", "CONNECT a:443 HTTP/1.1\r\n" + H + "\r\n", FramingViolation.CONNECT_NOT_ALLOWED),
                refused("CONNECT without a target", "CONNECT\r\n" + H + "\r\n", FramingViolation.MALFORMED_REQUEST_LINE),
                refused("a method longer than Undertow takes", "M".repeat(34) + " / HTTP/1.1\r\n" + H + "\r\n",
                        FramingViolation.METHOD_TOO_LONG),
                refused("a garbage method then a bare LF", "G\u0001T\n" + H + "\r\n", FramingViolation.INVALID_METHOD),
                refused("TLS on the plain port", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
                        FramingViolation.INVALID_METHOD),
                refused("a port that is not a number", "GET http://a:b/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("an empty port", "GET http://a:/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("a six-digit port", "GET http://a:123456/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("userinfo in the target", "GET http://u@a/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("IPv4 inside an IPv6 literal", "GET http://[::ffff:1.2.3.4]/ HTTP/1.1\r\n" + H + "\r\n",
                        FramingViolation.INVALID_TARGET),
                refused("bytes after an IPv6 literal", "GET http://[::1]x/ HTTP/1.1\r\n" + H + "\r\n",
                        FramingViolation.INVALID_TARGET),
                refused("a fragment in the authority", "GET http://a#b/ HTTP/1.1\r\n" + H + "\r\n", FramingViolation.INVALID_TARGET),
                refused("CONNECT in lower case", "connect / HTTP/1.1\r\n" + H + "\r\n", FramingViolation.CONNECT_NOT_ALLOWED),
                refused("HTTP/2.0", "GET / HTTP/2.0\r\n" + H + "\r\n", FramingViolation.UNSUPPORTED_VERSION),
                refused("HTTP/1.2", "GET / HTTP/1.2\r\n" + H + "\r\n", FramingViolation.UNSUPPORTED_VERSION),
                refused("HTTP/0.9 spelled out", "GET / HTTP/0.9\r\n" + H + "\r\n", FramingViolation.UNSUPPORTED_VERSION),
                refused("two-digit minor version", "GET / HTTP/1.10\r\n" + H + "\r\n", FramingViolation.MALFORMED_VERSION),
                refused("lower-case protocol", "GET / http/1.1\r\n" + H + "\r\n", FramingViolation.MALFORMED_VERSION),
                refused("version without dot", "GET / HTTP/11\r\n" + H + "\r\n", FramingViolation.MALFORMED_VERSION),
                refused("space after the version", "GET / HTTP/1.1 \r\n" + H + "\r\n", FramingViolation.MALFORMED_VERSION),
                refused("request line without version", "GET /\r\n" + H + "\r\n", FramingViolation.MALFORMED_REQUEST_LINE),
                // line ends and stray bytes
                refused("bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n", FramingViolation.BARE_LF),
                refused("bare LF after a header", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", FramingViolation.BARE_LF),
                refused("bare LF ending the head", "GET / HTTP/1.1\r\n" + H + "\n", FramingViolation.BARE_LF),
                refused("bare CR after the request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", FramingViolation.BARE_CR),
                refused("bare CR inside a value", "GET / HTTP/1.1\r\nX: a\rb\r\n" + H + "\r\n", FramingViolation.BARE_CR),
                refused("bare CR ending the head", "GET / HTTP/1.1\r\n" + H + "\rX", FramingViolation.BARE_CR),
                refused("NUL in a value", "GET / HTTP/1.1\r\n" + H + "X: a\u0000b\r\n\r\n", FramingViolation.NUL_BYTE),
                refused("NUL in a name", "GET / HTTP/1.1\r\n" + H + "X\u0000: b\r\n\r\n", FramingViolation.NUL_BYTE),
                refused("NUL in the target", "GET /\u0000 HTTP/1.1\r\n" + H + "\r\n", FramingViolation.NUL_BYTE),
                refused("NUL before the request", "\u0000GET / HTTP/1.1\r\n" + H + "\r\n", FramingViolation.NUL_BYTE),
                refused("bare LF before the request", "\nGET / HTTP/1.1\r\n" + H + "\r\n", FramingViolation.BARE_LF),
                refused("five empty lines before the request", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n",
                        FramingViolation.TOO_MANY_EMPTY_LINES),
                // header fields
                refused("obs-fold", "GET / HTTP/1.1\r\n" + H + "X: a\r\n b\r\n\r\n", FramingViolation.OBS_FOLD),
                refused("whitespace before the first field", "GET / HTTP/1.1\r\n " + H + "\r\n", FramingViolation.OBS_FOLD),
                refused("empty field name", "GET / HTTP/1.1\r\n" + H + ": b\r\n\r\n", FramingViolation.EMPTY_FIELD_NAME),
                refused("space before the colon", "GET / HTTP/1.1\r\n" + H + "Transfer-Encoding : chunked\r\n\r\n",
                        FramingViolation.WHITESPACE_BEFORE_COLON),
                refused("tab before the colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", FramingViolation.WHITESPACE_BEFORE_COLON),
                refused("control byte in a name", "GET / HTTP/1.1\r\n" + H + "X-\u0001A: b\r\n\r\n", FramingViolation.INVALID_FIELD_NAME),
                refused("byte above 0x7F in a name", "GET / HTTP/1.1\r\n" + H + "X\u00e9: b\r\n\r\n", FramingViolation.INVALID_FIELD_NAME),
                refused("line without colon", "GET / HTTP/1.1\r\n" + H + "NoColon\r\n\r\n", FramingViolation.MISSING_COLON),
                refused("control byte in a value", "GET / HTTP/1.1\r\n" + H + "X: a\u0001\r\n\r\n", FramingViolation.INVALID_FIELD_VALUE),
                refused("DEL in a value", "GET / HTTP/1.1\r\n" + H + "X: a\u007f\r\n\r\n", FramingViolation.INVALID_FIELD_VALUE),
                refused("forged marker", "GET / HTTP/1.1\r\n" + H + "X-Gatehouse-Edge-Reject: 400 x\r\n\r\n", FramingViolation.FORGED_MARKER),
                refused("forged marker in lower case", "GET / HTTP/1.1\r\n" + H + "x-gatehouse-edge-reject: 1\r\n\r\n",
                        FramingViolation.FORGED_MARKER),
                refused("forged marker with underscores", "GET / HTTP/1.1\r\n" + H + "X_Gatehouse_Edge_Reject: 1\r\n\r\n",
                        FramingViolation.FORGED_MARKER),
                refused("Transfer_Encoding", "POST / HTTP/1.1\r\n" + H + "Transfer_Encoding: chunked\r\n\r\n",
                        FramingViolation.AMBIGUOUS_FIELD_NAME),
                refused("Content_Length", "POST / HTTP/1.1\r\n" + H + "Content_Length: 3\r\n\r\nabc",
                        FramingViolation.AMBIGUOUS_FIELD_NAME),
                // Host
                refused("no Host in HTTP/1.1", "GET / HTTP/1.1\r\nX: b\r\n\r\n", FramingViolation.MISSING_HOST),
                refused("two Host headers", "GET / HTTP/1.1\r\n" + H + "Host: b\r\n\r\n", FramingViolation.DUPLICATE_HOST),
                refused("two equal Host headers", "GET / HTTP/1.1\r\n" + H + H + "\r\n", FramingViolation.DUPLICATE_HOST),
                refused("two Host headers in HTTP/1.0", "GET / HTTP/1.0\r\n" + H + H + "\r\n", FramingViolation.DUPLICATE_HOST),
                refused("space inside Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", FramingViolation.INVALID_HOST),
                refused("letters in the port", "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("six-digit port", "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("unclosed IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("empty IPv6 literal", "GET / HTTP/1.1\r\nHost: []\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("slash in Host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("userinfo in Host", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("port without host", "GET / HTTP/1.1\r\nHost: :80\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("empty port (Undertow refuses it)", "GET / HTTP/1.1\r\nHost: a:\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("port above 65535", "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("port 0 (Undertow refuses it)", "GET / HTTP/1.1\r\nHost: a:0\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("IPv6 literal with two ::", "GET / HTTP/1.1\r\nHost: [1::2::3]\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("IPv6 literal with nine groups", "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:8:9]\r\n\r\n",
                        FramingViolation.INVALID_HOST),
                refused("IPv6 literal with a bad embedded IPv4", "GET / HTTP/1.1\r\nHost: [::ffff:1.2.3.256]\r\n\r\n",
                        FramingViolation.INVALID_HOST),
                refused("IPv6 literal with embedded IPv4 and eight groups", "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:1.2.3.4]\r\n\r\n",
                        FramingViolation.INVALID_HOST),
                refused("IPv6 literal with empty port", "GET / HTTP/1.1\r\nHost: [::1]:\r\n\r\n", FramingViolation.INVALID_HOST),
                refused("absolute target and another Host", "GET http://a/ HTTP/1.1\r\nHost: b\r\n\r\n",
                        FramingViolation.HOST_MISMATCH),
                refused("absolute target and Host in another case", "GET http://A/ HTTP/1.1\r\nHost: a\r\n\r\n",
                        FramingViolation.HOST_MISMATCH),
                refused("absolute target and Host with another port", "GET http://a:81/ HTTP/1.1\r\nHost: a:80\r\n\r\n",
                        FramingViolation.HOST_MISMATCH),
                refused("bad percent escape in Host", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", FramingViolation.INVALID_HOST),
                // Content-Length and Transfer-Encoding
                refused("Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\n" + H
                        + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", FramingViolation.CONTENT_LENGTH_AND_TRANSFER_ENCODING),
                refused("Transfer-Encoding and Content-Length", "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", FramingViolation.CONTENT_LENGTH_AND_TRANSFER_ENCODING),
                refused("two different Content-Lengths", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n",
                        FramingViolation.DUPLICATE_CONTENT_LENGTH),
                refused("two equal Content-Lengths", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 3\r\n\r\n",
                        FramingViolation.DUPLICATE_CONTENT_LENGTH),
                refused("signed Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\n", FramingViolation.INVALID_CONTENT_LENGTH),
                refused("negative Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n", FramingViolation.INVALID_CONTENT_LENGTH),
                refused("Content-Length with inner space", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5 5\r\n\r\n",
                        FramingViolation.INVALID_CONTENT_LENGTH),
                refused("Content-Length list", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\n", FramingViolation.INVALID_CONTENT_LENGTH),
                refused("empty Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: \r\n\r\n", FramingViolation.INVALID_CONTENT_LENGTH),
                refused("hex Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\n", FramingViolation.INVALID_CONTENT_LENGTH),
                refused("19-digit Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1000000000000000000\r\n\r\n",
                        FramingViolation.INVALID_CONTENT_LENGTH),
                refused("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                        FramingViolation.TRANSFER_ENCODING_IN_HTTP10),
                refused("gzip only", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\n", FramingViolation.CHUNKED_NOT_FINAL),
                refused("chunked then gzip", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n",
                        FramingViolation.CHUNKED_NOT_FINAL),
                refused("chunked twice", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n",
                        FramingViolation.CHUNKED_NOT_FINAL),
                refused("chunked twice in two fields", "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", FramingViolation.CHUNKED_NOT_FINAL),
                refused("xchunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n", FramingViolation.CHUNKED_NOT_FINAL),
                refused("chunkedx", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunkedx\r\n\r\n", FramingViolation.CHUNKED_NOT_FINAL),
                refused("identity", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: identity\r\n\r\n", FramingViolation.CHUNKED_NOT_FINAL),
                refused("vertical tab before chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\u000bchunked\r\n\r\n",
                        FramingViolation.INVALID_FIELD_VALUE),
                refused("no-break space before chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \u00a0chunked\r\n\r\n",
                        FramingViolation.MALFORMED_TRANSFER_ENCODING),
                refused("chunked with a parameter", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked;q=1\r\n\r\n",
                        FramingViolation.MALFORMED_TRANSFER_ENCODING),
                refused("chunked split by a space", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chun ked\r\n\r\n",
                        FramingViolation.MALFORMED_TRANSFER_ENCODING),
                refused("empty list element", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked,\r\n\r\n",
                        FramingViolation.MALFORMED_TRANSFER_ENCODING),
                refused("empty Transfer-Encoding", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\r\n\r\n",
                        FramingViolation.MALFORMED_TRANSFER_ENCODING),
                refused("gzip then chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n",
                        FramingViolation.UNSUPPORTED_TRANSFER_CODING),
                refused("gzip then chunked in two fields", "POST / HTTP/1.1\r\n" + H
                        + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", FramingViolation.UNSUPPORTED_TRANSFER_CODING),
                // chunked bodies
                refused("0x10 chunk size", CHUNKED_POST + "0x10\r\n0123456789abcdef\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("-1 chunk size", CHUNKED_POST + "-1\r\na\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("space before the chunk size", CHUNKED_POST + " 10\r\n0123456789abcdef\r\n0\r\n\r\n",
                        FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("space inside the chunk size", CHUNKED_POST + "1 0\r\n0123456789abcdef\r\n0\r\n\r\n",
                        FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("space after the chunk size", CHUNKED_POST + "3 \r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("17 significant hex digits", CHUNKED_POST + "10000000000000003\r\nabc\r\n0\r\n\r\n",
                        FramingViolation.CHUNK_SIZE_TOO_LONG),
                refused("chunk size beyond 2^63", CHUNKED_POST + "8000000000000000\r\nabc\r\n0\r\n\r\n", FramingViolation.CHUNK_SIZE_TOO_LONG),
                refused("non-hex chunk size", CHUNKED_POST + "g\r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("empty chunk size", CHUNKED_POST + "\r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("bare LF after the chunk size", CHUNKED_POST + "3\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("bare CR after the chunk size", CHUNKED_POST + "3\rabc\r\n0\r\n\r\n", FramingViolation.CHUNK_LINE_END),
                refused("chunk data longer than its size", CHUNKED_POST + "3\r\nabcXX\r\n0\r\n\r\n",
                        FramingViolation.MISSING_CRLF_AFTER_CHUNK_DATA),
                refused("bare LF after chunk data", CHUNKED_POST + "3\r\nabc\n0\r\n\r\n", FramingViolation.MISSING_CRLF_AFTER_CHUNK_DATA),
                refused("bare CR after chunk data", CHUNKED_POST + "3\r\nabc\r0\r\n\r\n", FramingViolation.MISSING_CRLF_AFTER_CHUNK_DATA),
                refused("empty extension", CHUNKED_POST + "3;\r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_EXTENSION),
                refused("space before an extension", CHUNKED_POST + "3 ;a=b\r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_SIZE),
                refused("space inside an extension", CHUNKED_POST + "3;a =b\r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_EXTENSION),
                refused("extension without value", CHUNKED_POST + "3;a=\r\nabc\r\n0\r\n\r\n", FramingViolation.MALFORMED_CHUNK_EXTENSION),
                refused("unclosed quoted extension", CHUNKED_POST + "3;a=\"b\r\nabc\r\n0\r\n\r\n",
                        FramingViolation.MALFORMED_CHUNK_EXTENSION),
                refused("bytes after a quoted extension", CHUNKED_POST + "3;a=\"b\"c\r\nabc\r\n0\r\n\r\n",
                        FramingViolation.MALFORMED_CHUNK_EXTENSION),
                refused("space before a trailer colon", CHUNKED_POST + "0\r\nX : y\r\n\r\n", FramingViolation.WHITESPACE_BEFORE_COLON),
                refused("obs-fold in trailers", CHUNKED_POST + "0\r\nX: y\r\n z\r\n\r\n", FramingViolation.OBS_FOLD),
                refused("bare LF in trailers", CHUNKED_POST + "0\r\nX: y\n\r\n", FramingViolation.BARE_LF),
                refused("bare LF ending the body", CHUNKED_POST + "0\r\n\n", FramingViolation.BARE_LF),
                refused("forged marker in trailers", CHUNKED_POST + "0\r\nX-Gatehouse-Edge-Reject: 200 ok\r\n\r\n",
                        FramingViolation.FORGED_MARKER),
                // pipelining: the second request is the bad one
                refused("bad request after a good one", "GET / HTTP/1.1\r\n" + H + "\r\nGET / HTTP/1.1\r\n" + H + H + "\r\n",
                        FramingViolation.DUPLICATE_HOST),
                refused("body bytes that look like a request", "POST / HTTP/1.1\r\n" + H + "Content-Length: 2\r\n\r\nabGET\r\n",
                        FramingViolation.MALFORMED_REQUEST_LINE));
    }

    private static Arguments refused(String what, String request, FramingViolation expected) {
        return Arguments.of(what, request, expected);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusedRequests")
    void eachAmbiguousOrMalformedRequestIsRefusedWithItsReasonAtEverySplit(String what, String request,
            FramingViolation expected) {
        assertEquals(expected, verdict(EdgeLimits.DEFAULTS, bytes(request)), what);
    }

    static Stream<Arguments> acceptedStreams() {
        return Stream.of(
                accepted("a GET", 1, "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\nAccept: */*\r\n\r\n"),
                accepted("HTTP/1.0 without Host", 1, "GET /x?y=1 HTTP/1.0\r\n\r\n"),
                accepted("absolute form", 1, "GET http://a.example:8080/p?q HTTP/1.1\r\nHost: a.example:8080\r\n\r\n"),
                accepted("absolute form, https in capitals", 1, "GET HTTPS://a/ HTTP/1.1\r\n" + H + "\r\n"),
                accepted("absolute form in HTTP/1.0 without Host", 1, "GET http://a.example/p HTTP/1.0\r\n\r\n"),
                accepted("OPTIONS asterisk", 1, "OPTIONS * HTTP/1.1\r\n" + H + "\r\n"),
                accepted("percent escapes in the target", 1, "GET /a%2Fb%20c HTTP/1.1\r\n" + H + "\r\n"),
                accepted("characters browsers and nginx pass unescaped", 1,
                        "GET /a\"b{c}|d^e\\f`g<h>[i]?q=\"x\"{}|^\\`<>&r=%0A HTTP/1.1\r\n" + H + "\r\n"),
                accepted("a 33-character method", 1, "M".repeat(33) + " / HTTP/1.1\r\n" + H + "\r\n"),
                accepted("absolute form: IPv6, port, query", 1, "GET http://[::1]:8080?q HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
                accepted("absolute form: no path", 1, "GET http://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n"),
                accepted("absolute form: escaped host, sub-delims", 1, "GET http://%41b.c-d_e~f!$&'()*+,;=/ HTTP/1.1\r\n"
                        + "Host: %41b.c-d_e~f!$&'()*+,;=\r\n\r\n"),
                accepted("IPv4 host with port", 1, "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"),
                accepted("IPv6 host with port", 1, "GET / HTTP/1.1\r\nHost: [::1]:443\r\n\r\n"),
                accepted("host with whitespace around it", 1, "GET / HTTP/1.1\r\nHost: \t a.b \t\r\n\r\n"),
                accepted("host with port 65535", 1, "GET / HTTP/1.1\r\nHost: a:65535\r\n\r\n"),
                accepted("IPv6 literals with embedded IPv4 (RFC 3986)", 3, "GET / HTTP/1.1\r\nHost: [::ffff:1.2.3.4]\r\n\r\n"
                        + "GET / HTTP/1.1\r\nHost: [64:ff9b::192.0.2.33]:8080\r\n\r\n"
                        + "GET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:1.2.3.4]\r\n\r\n"),
                accepted("IPv6 literal forms", 4, "GET / HTTP/1.1\r\nHost: [::]\r\n\r\nGET / HTTP/1.1\r\nHost: [1:2:3:4:5:6:7:8]\r\n\r\n"
                        + "GET / HTTP/1.1\r\nHost: [fe80::1:2]:8080\r\n\r\nGET / HTTP/1.1\r\nHost: [1::]\r\n\r\n"),
                accepted("obs-text in a value", 1, "GET / HTTP/1.1\r\n" + H + "X-Name: caf\u00e9\r\n\r\n"),
                accepted("empty value", 1, "GET / HTTP/1.1\r\n" + H + "X-Empty:\r\n\r\n"),
                accepted("Content-Length body with bytes that look like framing", 1,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: 12\r\n\r\n\n\r\u0000GET / \r\n\n"),
                accepted("Content-Length with whitespace and leading zeros", 1,
                        "POST / HTTP/1.1\r\n" + H + "Content-Length: \t007 \r\n\r\nabcdefg"),
                accepted("Content-Length 0", 1, "POST / HTTP/1.1\r\n" + H + "Content-Length: 0\r\n\r\n"),
                accepted("chunk sizes with leading zeros (RFC 9112 7.1)", 1, CHUNKED_POST
                        + "00000000000000000000005\r\nhello\r\n" + "0".repeat(100) + "\r\n\r\n"),
                accepted("chunked with extensions and trailers", 1, CHUNKED_POST
                        + "3;a\r\nabc\r\n00A;n=v;q=\"x \\\" y\"\r\n0123456789\r\nf\r\n0123456789abcde\r\n0;last\r\nX-T: 1\r\nY: \r\n\r\n"),
                accepted("Transfer-Encoding in capitals, tab before it", 1,
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\tCHUNKED \r\n\r\n1\r\na\r\n0\r\n\r\n"),
                accepted("three pipelined requests", 3, "GET /1 HTTP/1.1\r\n" + H + "\r\n"
                        + "POST /2 HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc"
                        + CHUNKED_POST + "2\r\nhi\r\n0\r\n\r\n"),
                accepted("empty lines before requests", 3, "\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n"
                        + "POST / HTTP/1.1\r\n" + H + "Content-Length: 1\r\n\r\nx\r\nGET / HTTP/1.1\r\n" + H + "\r\n"),
                accepted("h2c upgrade keeps the connection HTTP/1.1", 2,
                        "GET / HTTP/1.1\r\n" + H + "Upgrade: h2c\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n"));
    }

    private static Arguments accepted(String what, int heads, String stream) {
        return Arguments.of(what, heads, stream);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedStreams")
    void wellFormedStreamsAreReadToTheEndAtEverySplit(String what, int heads, String stream) {
        for (int[] cuts : splits(stream.length())) {
            RequestFramingScanner scanner = scan(EdgeLimits.DEFAULTS, bytes(stream), cuts);
            assertNull(scanner.violation(), what);
            assertFalse(scanner.holding(), what);
            assertEquals(heads, scanner.headsCompleted(), what);
        }
    }

    @Test
    void requestLineOneByteOverTheLimitIsRefusedWith414() {
        EdgeLimits limits = new EdgeLimits(1024, 20, 10, Duration.ofSeconds(1));
        assertNull(verdict(limits, bytes("GET /234567 HTTP/1.1\r\n" + H + "\r\n")));  // 20 bytes
        FramingViolation v = verdict(limits, bytes("GET /2345678 HTTP/1.1\r\n" + H + "\r\n"));
        assertEquals(FramingViolation.REQUEST_LINE_TOO_LONG, v);
        assertEquals(414, v.status());
    }

    @Test
    void headOneByteOverTheLimitIsRefusedWith431() {
        String head = "GET / HTTP/1.1\r\n" + H + "X: 1234\r\n\r\n";
        EdgeLimits exact = new EdgeLimits(head.length(), 20, 10, Duration.ofSeconds(1));
        assertNull(verdict(exact, bytes(head)));
        EdgeLimits smaller = new EdgeLimits(head.length() - 1, 20, 10, Duration.ofSeconds(1));
        assertEquals(FramingViolation.HEAD_TOO_LARGE, verdict(smaller, bytes(head)));
        assertEquals(431, FramingViolation.HEAD_TOO_LARGE.status());
    }

    @Test
    void moreHeaderFieldsThanTheLimitAreRefusedWith431() {
        EdgeLimits limits = new EdgeLimits(1024, 100, 3, Duration.ofSeconds(1));
        assertNull(verdict(limits, bytes("GET / HTTP/1.1\r\n" + H + "A: 1\r\nB: 2\r\n\r\n")));
        assertEquals(FramingViolation.TOO_MANY_FIELDS,
                verdict(limits, bytes("GET / HTTP/1.1\r\n" + H + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n")));
    }

    @Test
    void trailersLargerThanTheHeadLimitAreRefused() {
        EdgeLimits limits = new EdgeLimits(80, 60, 3, Duration.ofSeconds(1));
        assertEquals(FramingViolation.TRAILERS_TOO_LARGE, verdict(limits, bytes(CHUNKED_POST.replace("/c", "/")
                + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")));
        assertEquals(FramingViolation.TRAILERS_TOO_LARGE, verdict(limits, bytes(CHUNKED_POST.replace("/c", "/")
                + "0\r\nA: " + "x".repeat(80) + "\r\n\r\n")));
    }

    @Test
    void chunkSizeLineLongerThanTheRequestLineLimitIsRefused() {
        EdgeLimits limits = new EdgeLimits(1024, 60, 10, Duration.ofSeconds(1));
        assertEquals(FramingViolation.CHUNK_LINE_TOO_LONG,
                verdict(limits, bytes(CHUNKED_POST + "1;e=" + "v".repeat(60) + "\r\na\r\n0\r\n\r\n")));
    }

    @Test
    void anUpgradeToWebSocketLeavesTheRestOfTheConnectionUnread() {
        String stream = "GET /ws HTTP/1.1\r\n" + H + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
                + "\u0081\u0085\u0000\r\n\n garbage that is a WebSocket frame \u00ff";
        for (int[] cuts : splits(stream.length())) {
            RequestFramingScanner scanner = scan(EdgeLimits.DEFAULTS, bytes(stream), cuts);
            assertNull(scanner.violation());
            assertTrue(scanner.tunnelling());
        }
    }

    @Test
    void anUpgradeRequestBodyIsStillFramedBeforeTheTunnelStarts() {
        String stream = "POST /ws HTTP/1.1\r\n" + H + "Upgrade: websocket, h2c\r\nContent-Length: 2\r\n\r\nab";
        RequestFramingScanner scanner = scan(EdgeLimits.DEFAULTS, bytes(stream), new int[0]);
        assertTrue(scanner.tunnelling());
        RequestFramingScanner partial = scan(EdgeLimits.DEFAULTS, bytes(stream.substring(0, stream.length() - 1)), new int[0]);
        assertFalse(partial.tunnelling());
    }

    @Test
    void emptyLinesAreDroppedAndDoNotCountAsAHeadInProgress() {
        RequestFramingScanner scanner = new RequestFramingScanner(EdgeLimits.DEFAULTS);
        ByteBuffer buf = ByteBuffer.wrap(bytes("\r\n\rGET"));
        assertEquals(2, scanner.scan(buf, 0, 6));
        assertEquals(2, scanner.takeSkipped());
        assertEquals(0, scanner.position());
        assertEquals(3, scanner.scan(buf, 2, 3));
        assertTrue(scanner.holding());
        assertFalse(scanner.headInProgress());
        buf = ByteBuffer.wrap(bytes("\nGET"));
        assertEquals(1, scanner.scan(buf, 0, 4));
        assertEquals(2, scanner.takeSkipped());
        assertEquals(4, scanner.scan(buf, 1, 4));
        assertTrue(scanner.headInProgress());
        assertEquals(0, scanner.requestStart());
        assertEquals(3, scanner.position());
    }

    @Test
    void ipv6LiteralsAreReadAsRfc3986ReadsThem() {
        for (String ok : new String[] {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "a:b::c", "abcd::1:2:3:4:5:6", "1:2:3:4:5:6::8",
                "1:2:3:4:5:6::ab", "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "64:ff9b::192.0.2.33"}) {
            assertTrue(RequestFramingScanner.ipv6(ok), ok);
        }
        for (String bad : new String[] {":", ":::", "1", "1:2", "1::2::3", ":1::", "1::2:", "12345::", "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7::8", "g::", "::ffff:1.2.3", "::ffff:1.2.3.256", "::ffff:01.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
                "1.2.3.4", "::1.2.3.4:1", "::ffff:1.2.3.4."}) {
            assertFalse(RequestFramingScanner.ipv6(bad), bad);
        }
    }

    @Test
    void everyReasonIsShortPrintableAscii() {
        for (FramingViolation v : FramingViolation.values()) {
            assertTrue(v.reason().matches("[\\x20-\\x7E]{1,60}"), v.name());
            assertTrue(v.status() >= 400 && v.status() <= 599, v.name());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The violation found, which must be the same for the whole input, every two-way split and byte by byte. */
    static FramingViolation verdict(EdgeLimits limits, byte[] input) {
        FramingViolation whole = scan(limits, input, new int[0]).violation();
        for (int[] cuts : splits(input.length)) {
            FramingViolation split = scan(limits, input, cuts).violation();
            assertEquals(whole, split, () -> "cuts " + java.util.Arrays.toString(cuts));
        }
        return whole;
    }

    /** No cut, a cut at every position, and a cut between every two bytes. */
    static List<int[]> splits(int length) {
        List<int[]> all = new ArrayList<>();
        all.add(new int[0]);
        for (int k = 1; k < length; k++) {
            all.add(new int[] {k});
        }
        int[] everyByte = new int[Math.max(0, length - 1)];
        for (int k = 1; k < length; k++) {
            everyByte[k - 1] = k;
        }
        all.add(everyByte);
        return all;
    }

    static RequestFramingScanner scan(EdgeLimits limits, byte[] input, int[] cuts) {
        RequestFramingScanner scanner = new RequestFramingScanner(limits);
        ByteBuffer buf = ByteBuffer.wrap(input);
        int from = 0;
        for (int c = 0; c <= cuts.length; c++) {
            int to = c < cuts.length ? cuts[c] : input.length;
            int i = from;
            for (int guard = 0; i < to && scanner.violation() == null; guard++) {
                assertTrue(guard <= to - from, "the scanner makes progress");
                i = scanner.scan(buf, i, to);
                scanner.takeSkipped();
            }
            from = to;
        }
        return scanner;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
