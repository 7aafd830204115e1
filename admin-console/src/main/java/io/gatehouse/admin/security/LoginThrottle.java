package io.gatehouse.admin.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing down, per client address: after {@link #FREE_FAILURES} failed logins, each
 * within {@link #WINDOW} of the one before, every further attempt from that address is refused (429)
 * until a wait has passed: {@link #FIRST_WAIT} after the third failure, doubling with each further
 * failure, at most {@link #MAX_WAIT}. Attempts refused meanwhile do not count. The record is forgotten
 * after {@link #WINDOW} without a failure, or at a successful login.
 */
public final class LoginThrottle {
    public static final int FREE_FAILURES = 3;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    public static final Duration FIRST_WAIT = Duration.ofSeconds(30);
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** Addresses remembered at most; beyond that the records that ended are dropped first. */
    static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, Instant last, Instant blockedUntil) {
    }

    private final Clock clock;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    public LoginThrottle(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long {@code address} must wait before it may try again; empty when it may try now. */
    public Optional<Duration> waitFor(String address) {
        Failures f = byAddress.get(address);
        if (f == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isBefore(f.blockedUntil())) {
            Duration left = Duration.between(now, f.blockedUntil());
            return Optional.of(left.isZero() ? Duration.ofSeconds(1) : left);
        }
        return Optional.empty();
    }

    /** Records a failed login from {@code address}; returns the wait it must now observe (zero for none). */
    public Duration failed(String address) {
        Instant now = clock.instant();
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(f -> !now.isBefore(f.last().plus(WINDOW)));
            if (byAddress.size() >= MAX_ADDRESSES) {
                byAddress.clear();
            }
        }
        Failures next = byAddress.compute(address, (k, f) -> {
            if (f == null || (!now.isBefore(f.last().plus(WINDOW)))) {
                f = new Failures(0, now, now);
            }
            int count = f.count() + 1;
            Instant until = now;
            if (count >= FREE_FAILURES) {
                long factor = 1L << Math.min(20, count - FREE_FAILURES);
                Duration wait = FIRST_WAIT.multipliedBy(factor);
                until = now.plus(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
            }
            return new Failures(count, now, until);
        });
        return Duration.between(now, next.blockedUntil());
    }

    /** A successful login from {@code address}: its failures are forgotten. */
    public void succeeded(String address) {
        byAddress.remove(address);
    }
}
