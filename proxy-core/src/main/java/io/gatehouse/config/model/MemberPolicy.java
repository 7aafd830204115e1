package io.gatehouse.config.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a cluster treats its members beyond the list itself: what a hash strategy hashes, how health is
 * judged (active checks, passive ejection from real traffic), slow start, retries and overload. Every
 * part has the default an nginx operator expects; {@link #DEFAULTS} is all of them.
 *
 * @param hashKey     {@code hash_key}: what {@code consistent_hash} hashes (default {@code uri})
 * @param health      {@code health} and its settings; empty: no active checks
 * @param maxFails    {@code max_fails}: member faults within {@code fail_timeout} that take a member out
 *                    (default 1; 0: never taken out by traffic), as nginx's
 * @param failTimeout {@code fail_timeout}: the window failures are counted in, and how long a member
 *                    stays out (default 10s)
 * @param failOn      {@code fail_on}: answers that count as the member's failure (default none)
 * @param slowStart   {@code slow_start}: how long a member that comes back ramps to its full weight
 *                    (zero: off, the default)
 * @param retries     {@code retries}: how many other members one request may go on to; -1 (the
 *                    default): each member of the cluster once
 * @param retryBodyMax {@code retry_body_max}: request bodies up to this many bytes are held so that
 *                    they can be sent again (default 64k; 0: a request with a body is retried only
 *                    when none of it reached a member)
 * @param retryTimeout {@code retry_timeout}: the longest time from the first attempt after which no
 *                    other member is tried (zero: no bound, the default)
 * @param maxConnections {@code max_connections}: requests in flight to one member at most (0: no limit)
 * @param maxQueue    {@code max_queue}: requests that may wait for a member under its limit (default 100)
 * @param queueTimeout {@code queue_timeout}: the longest wait in that queue (default 5s)
 */
public record MemberPolicy(HashKey hashKey, Optional<HealthCheckSpec> health, int maxFails, Duration failTimeout,
                           StatusRanges failOn, Duration slowStart, int retries, long retryBodyMax,
                           Duration retryTimeout, int maxConnections, int maxQueue, Duration queueTimeout) {
    public static final int DEFAULT_MAX_FAILS = 1;
    public static final Duration DEFAULT_FAIL_TIMEOUT = Duration.ofSeconds(10);
    public static final int EACH_MEMBER_ONCE = -1;
    public static final long DEFAULT_RETRY_BODY_MAX = 64 * 1024;
    public static final int DEFAULT_MAX_QUEUE = 100;
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(5);

    public static final MemberPolicy DEFAULTS = new MemberPolicy(HashKey.URI_KEY, Optional.empty(), DEFAULT_MAX_FAILS,
            DEFAULT_FAIL_TIMEOUT, StatusRanges.NONE, Duration.ZERO, EACH_MEMBER_ONCE, DEFAULT_RETRY_BODY_MAX,
            Duration.ZERO, 0, DEFAULT_MAX_QUEUE, DEFAULT_QUEUE_TIMEOUT);

    public MemberPolicy {
        Objects.requireNonNull(hashKey, "hashKey");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(failTimeout, "failTimeout");
        Objects.requireNonNull(failOn, "failOn");
        Objects.requireNonNull(slowStart, "slowStart");
        Objects.requireNonNull(retryTimeout, "retryTimeout");
        Objects.requireNonNull(queueTimeout, "queueTimeout");
        if (maxFails < 0 || retries < EACH_MEMBER_ONCE || retryBodyMax < 0 || maxConnections < 0 || maxQueue < 0) {
            throw new IllegalArgumentException("max_fails " + maxFails + ", retries " + retries + ", retry_body_max "
                    + retryBodyMax + ", max_connections " + maxConnections + ", max_queue " + maxQueue);
        }
        if (failTimeout.isNegative() || slowStart.isNegative() || retryTimeout.isNegative() || queueTimeout.isNegative()) {
            throw new IllegalArgumentException("negative duration");
        }
    }

    /** The number of attempts one request may make in a cluster of {@code members}: 1 + retries, at most one per member. */
    public int maxAttempts(int members) {
        return retries == EACH_MEMBER_ONCE ? members : Math.min(members, retries + 1);
    }
}
