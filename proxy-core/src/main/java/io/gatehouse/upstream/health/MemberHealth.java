package io.gatehouse.upstream.health;

import java.time.Instant;
import java.util.Objects;

/**
 * A member's health in one cluster read at one moment, its parts consistent with each other (read under
 * the state's lock): what the pool view shows.
 *
 * @param status    its state
 * @param why       why, as its last change said; may be empty
 * @param since     when it entered that state
 * @param lastCheck the last active check's result, or null when none ran
 */
public record MemberHealth(MemberStatus status, String why, Instant since, CheckResult lastCheck) {
    public MemberHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(since, "since");
    }
}
