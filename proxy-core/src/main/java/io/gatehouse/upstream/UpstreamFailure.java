package io.gatehouse.upstream;

/**
 * Why an upstream exchange failed, as a value; only the JSON error edge turns it into a body.
 * A member that cannot be reached gives 502, one that does not answer in time 504, a cluster with
 * nothing usable 503, and a cluster whose members are all at {@code max_connections} with its queue
 * full (or the wait in it over) 503 with {@code Retry-After}.
 */
public enum UpstreamFailure {
    CONNECT_FAILED(502, "bad gateway: could not connect to upstream"),
    BROKEN_RESPONSE(502, "bad gateway: upstream closed the connection or sent an invalid response"),
    TIMEOUT(504, "gateway timeout: upstream did not answer in time"),
    NO_MEMBER(503, "service unavailable: no usable upstream member"),
    OVERLOADED(503, "service unavailable: every upstream member is at its connection limit; retry later");

    private final int status;
    private final String message;

    UpstreamFailure(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /**
     * The {@code Retry-After} seconds for an {@link #OVERLOADED} answer under a {@code queue_timeout} of
     * {@code queueTimeoutMillis}: that wait rounded up, at least 1. A client that comes back after it
     * finds every request that was waiting when it was refused served or given up.
     */
    public static long retryAfterSeconds(long queueTimeoutMillis) {
        return Math.max(1, (queueTimeoutMillis + 999) / 1000);
    }

    /** What the client is told when a member exchange ended so before its answer began. */
    public static UpstreamFailure of(Outcome.Kind kind) {
        switch (kind) {
            case CONNECT_FAILED:
                return CONNECT_FAILED;
            case CONNECT_TIMEOUT:
            case HEAD_TIMEOUT:
            case BODY_TIMEOUT:
                return TIMEOUT;
            case NO_MEMBER:
                return NO_MEMBER;
            case OVERLOADED:
                return OVERLOADED;
            default:
                return BROKEN_RESPONSE;
        }
    }
}
