package io.gatehouse.upstream.balance;

import io.gatehouse.config.model.HashKey;

/**
 * What a request offers to a picker: a hash of the part of it a sticky strategy is keyed by. Computed
 * when asked, without allocating, so that strategies that are not sticky cost nothing.
 */
public interface RequestKey {
    /** {@link #hash}'s answer when the request has no such part (no such header or cookie, no client address). */
    long NO_KEY = Long.MIN_VALUE;

    /** A key for requests that offer nothing to hash (a health check; tests). */
    RequestKey NONE = key -> NO_KEY;

    /**
     * A well-mixed 64-bit hash of the part of the request {@code key} names ({@link HashKey.Kind#CLIENT}:
     * the client's address; the path; the URI; a header's or a cookie's value), equal for equal parts and
     * never {@link #NO_KEY}; {@link #NO_KEY} when the request has no such part.
     */
    long hash(HashKey key);
}
