package io.gatehouse.config.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster's active health check, on when {@code health = /path} is set. Two clusters whose members
 * share an address and whose check settings are equal share one check of it.
 *
 * @param path     {@code health}: the path (and query) requested with GET
 * @param interval {@code health_interval}: time between two checks of one member (default 5s)
 * @param timeout  {@code health_timeout}: how long one check may take, connect to the answer's end (default 2s)
 * @param rise     {@code rise}: good checks in a row that bring a down member back (default 2)
 * @param fall     {@code fall}: failed checks in a row that take an up member down (default 3)
 * @param status   {@code health_status}: the answers that count as good (default 200-399)
 * @param host     {@code health_host}: the {@code Host} sent; empty: the member's address as written
 */
public record HealthCheckSpec(String path, Duration interval, Duration timeout, int rise, int fall,
                              StatusRanges status, Optional<String> host) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;

    public HealthCheckSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(host, "host");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("health path " + path + " (expected: /...)");
        }
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health interval " + interval + ", timeout " + timeout + " (expected: > 0)");
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise " + rise + ", fall " + fall + " (expected: >= 1)");
        }
    }

    /** A check of {@code path} with every other setting at its default. */
    public static HealthCheckSpec of(String path) {
        return new HealthCheckSpec(path, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RISE, DEFAULT_FALL,
                StatusRanges.OK_OR_REDIRECT, Optional.empty());
    }
}
