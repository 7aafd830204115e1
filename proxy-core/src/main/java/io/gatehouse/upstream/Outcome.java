package io.gatehouse.upstream;

import java.util.Objects;

/**
 * How one attempt with one member ended: reported once to that member's {@link MemberState} (its
 * counters, its latency; what passive health, latency-aware balancing, metrics and alerts read), and
 * handed to the {@link ResponseSink} when the exchange failed.
 *
 * @param kind        how it ended
 * @param member      the member tried, or null for {@link Kind#NO_MEMBER} and {@link Kind#OVERLOADED}
 * @param toHeadNanos from the attempt's start (picking the member) to the answer's head, or -1 if none came
 * @param toEndNanos  from the attempt's start to its end, whatever the end was
 * @param reason      what went wrong, for logs (null for {@link Kind#OK})
 */
public record Outcome(Kind kind, MemberState member, long toHeadNanos, long toEndNanos, String reason) {
    /** How an attempt ended; {@link #memberFault()} tells which ones count against the member. */
    public enum Kind {
        /** The whole answer came (or the protocol switch happened). */
        OK(false),
        /** The connection could not be opened (refused, reset, unreachable). */
        CONNECT_FAILED(true),
        /** The connection was not open within the response timeout. */
        CONNECT_TIMEOUT(true),
        /** No answer's head within the response timeout (the member also may have stopped taking the body). */
        HEAD_TIMEOUT(true),
        /** The answer began, then stalled longer than the response timeout. */
        BODY_TIMEOUT(true),
        /** The member broke HTTP: closed without (all of) an answer, or sent one that could be read two ways. */
        BROKEN(true),
        /** The member answered with a status the cluster's {@code fail_on} lists (502, 503, 504). */
        FAIL_STATUS(true),
        /** The request's own body could not be read (the client left or broke its framing). */
        REQUEST_BODY_FAILED(false),
        /** The request's own body stopped arriving ({@code client_body_timeout}). */
        REQUEST_BODY_TIMEOUT(false),
        /** The caller gave up on the exchange (its client left, or was too slow to take the answer). */
        CANCELLED(false),
        /** Nothing was tried: the cluster had no usable member. Never recorded on a member. */
        NO_MEMBER(false),
        /**
         * Nothing was tried: every usable member was at {@code max_connections} and the cluster's queue
         * was full, or the request waited {@code queue_timeout} in it. Never recorded on a member.
         */
        OVERLOADED(false);

        private final boolean memberFault;

        Kind(boolean memberFault) {
            this.memberFault = memberFault;
        }

        /** True when this end counts against the member (passive health, failure counters). */
        public boolean memberFault() {
            return memberFault;
        }

        /** True when the member let a response timeout run out (to connect, to the head, or between body bytes). */
        public boolean timedOut() {
            return this == CONNECT_TIMEOUT || this == HEAD_TIMEOUT || this == BODY_TIMEOUT;
        }
    }

    public Outcome {
        Objects.requireNonNull(kind, "kind");
        if (member == null && kind != Kind.NO_MEMBER && kind != Kind.OVERLOADED) {
            throw new IllegalArgumentException(kind + " needs the member it happened with");
        }
    }

    /** True when the attempt ended with the whole answer. */
    public boolean isOk() {
        return kind == Kind.OK;
    }
}
