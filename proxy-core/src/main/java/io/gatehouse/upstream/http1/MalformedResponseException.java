package io.gatehouse.upstream.http1;

import java.io.IOException;

/**
 * A member's answer that cannot be read one way only: a broken status line or header, framing that
 * contradicts itself, a head too large. The exchange fails with 502 and the connection is closed.
 */
public final class MalformedResponseException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message) {
        super(message);
    }
}
