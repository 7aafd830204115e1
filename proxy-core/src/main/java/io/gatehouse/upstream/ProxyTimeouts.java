package io.gatehouse.upstream;

/**
 * A site's limits on waiting, in milliseconds, as nginx names them.
 *
 * @param response   {@code response_timeout}: the longest wait on the member at any step (connecting,
 *                   sending, the answer's head, each gap in its body, taking the request body)
 * @param send       {@code send_timeout}: the longest wait for the client to accept more of the answer
 * @param clientBody {@code client_body_timeout}: the longest pause in the client's request body
 */
public record ProxyTimeouts(long response, long send, long clientBody) {
    public ProxyTimeouts {
        if (response <= 0 || send <= 0 || clientBody <= 0) {
            throw new IllegalArgumentException("timeouts: " + response + ", " + send + ", " + clientBody
                    + " ms (expected: > 0)");
        }
    }
}
