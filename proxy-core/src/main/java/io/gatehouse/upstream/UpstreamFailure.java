package io.gatehouse.upstream;

/**
 * Why an upstream exchange failed, as a value; only the JSON error edge turns it into a body.
 * A member that cannot be reached gives 502, one that does not answer in time 504, a cluster with
 * nothing usable 503.
 */
public enum UpstreamFailure {
    CONNECT_FAILED(502, "bad gateway: could not connect to upstream"),
    BROKEN_RESPONSE(502, "bad gateway: upstream closed the connection or sent an invalid response"),
    TIMEOUT(504, "gateway timeout: upstream did not answer in time"),
    NO_MEMBER(503, "service unavailable: no usable upstream member");

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
            default:
                return BROKEN_RESPONSE;
        }
    }
}
