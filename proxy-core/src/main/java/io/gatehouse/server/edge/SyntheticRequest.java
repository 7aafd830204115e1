package io.gatehouse.server.edge;

import java.nio.charset.StandardCharsets;

/**
 * The short request the edge hands Undertow in place of a refused one, so the refusal is answered
 * in order after earlier pipelined requests and shows up in the request log like any request.
 */
final class SyntheticRequest {

    private SyntheticRequest() {
    }

    /**
     * {@code METHOD TARGET HTTP/1.1}, {@code Host}, {@code User-Agent} (copied only when the refused
     * request carried them validly; else {@code GET}, {@code /}, {@code invalid}, omitted), then
     * {@code Content-Length: 0}, {@code Connection: close} and the marker {@code <status> <reason>}.
     */
    static byte[] render(FramingViolation violation, RequestFramingScanner.RequestSummary original) {
        StringBuilder s = new StringBuilder(160);
        s.append(original.method() != null ? original.method() : "GET").append(' ')
                .append(original.target() != null ? original.target() : "/").append(" HTTP/1.1\r\n")
                .append("Host: ").append(original.host() != null ? original.host() : "invalid").append("\r\n");
        if (original.userAgent() != null) {
            s.append("User-Agent: ").append(original.userAgent()).append("\r\n");
        }
        s.append("Content-Length: 0\r\nConnection: close\r\n")
                .append(StrictFramingConduit.MARKER_HEADER_NAME).append(": ")
                .append(violation.status()).append(' ').append(violation.reason()).append("\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
