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
     * Stands in for the Host of every substituted request: Undertow refuses an HTTP/1.1 request
     * without a valid one (with an empty 400 of its own), so the stand-in always has this one, and the
     * rejection handler puts the refused request's own back, or none.
     */
    static final String PLACEHOLDER_HOST = "localhost";

    /**
     * {@code GET / HTTP/1.1} ({@code HTTP/1.0} when the refused request said so), the placeholder
     * {@code Host}, the {@code User-Agent} when the refused request carried one, {@code Content-Length: 0},
     * {@code Connection: close} and the marker (see {@link Marker}): the status and reason, and the
     * method, target and Host as they were received, which the rejection handler puts back on the
     * exchange for the request log. A Host that was the problem is left out, so the log names the
     * listener.
     */
    static byte[] render(FramingViolation violation, RequestFramingScanner.RequestSummary original) {
        StringBuilder s = new StringBuilder(200);
        s.append("GET / HTTP/1.").append(original.http10() ? '0' : '1').append("\r\n")
                .append("Host: ").append(PLACEHOLDER_HOST).append("\r\n");
        if (original.userAgent() != null) {
            s.append("User-Agent: ").append(original.userAgent()).append("\r\n");
        }
        s.append("Content-Length: 0\r\nConnection: close\r\n")
                .append(StrictFramingConduit.MARKER_HEADER_NAME).append(": ");
        Marker.write(violation.status(), violation.reason(), original.method(), original.target(),
                hostAtFault(violation) ? null : original.host(), s);
        s.append("\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean hostAtFault(FramingViolation violation) {
        return violation == FramingViolation.DUPLICATE_HOST || violation == FramingViolation.INVALID_HOST
                || violation == FramingViolation.MISSING_HOST || violation == FramingViolation.HOST_MISMATCH;
    }
}
