package io.gatehouse.upstream.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one active health check of a member ended.
 *
 * @param at      when it ended (wall clock)
 * @param latency from its start to its end (connect included)
 * @param ok      the member answered with a status in {@code health_status}, within {@code health_timeout}
 * @param reason  {@code status 200}, {@code status 503}, {@code connect() refused}, {@code no answer within 2s}
 */
public record CheckResult(Instant at, Duration latency, boolean ok, String reason) {
    public CheckResult {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return (ok ? "passed" : "failed") + " at " + at + " after " + latency.toMillis() + " ms: " + reason;
    }
}
