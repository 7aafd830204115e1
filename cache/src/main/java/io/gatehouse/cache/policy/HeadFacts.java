package io.gatehouse.cache.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * What the policy reads off a stored head that stays true while it is stored: its response
 * {@link CacheControl}, its age when it arrived (RFC 9111 §4.2.3's {@code corrected_initial_age}: the
 * {@code Age} it came with, the response delay, and how far its {@code Date} lies behind its arrival)
 * and its freshness lifetime for the operator's {@code cache_valid}. A store keeps these with its entry
 * ({@link StoredHead#facts}), so a hit does not read the head's {@code Cache-Control}, {@code Date},
 * {@code Age} and {@code Expires} again; the current age is then one addition.
 */
public final class HeadFacts {
    private final StoredHead head;
    private final CacheControl cacheControl;
    private final long initialAgeMillis;
    /** The lifetime last asked for, with the {@code cache_valid} it is for (that changes only by a reload). */
    private volatile Lifetime lifetime;

    private record Lifetime(Duration cacheValid, long millis) {
    }

    private HeadFacts(StoredHead head) {
        this.head = head;
        this.cacheControl = CacheControl.response(head.headers());
        this.initialAgeMillis = Freshness.currentAgeMillis(head.headers(), head.requestTime(), head.responseTime(),
                head.responseTime());
    }

    /** Reads {@code head}'s facts (parses its fields). */
    public static HeadFacts of(StoredHead head) {
        return new HeadFacts(Objects.requireNonNull(head, "head"));
    }

    /** The stored response's {@code Cache-Control}. */
    public CacheControl cacheControl() {
        return cacheControl;
    }

    /** The current age (§4.2.3) at {@code now}: the age on arrival plus the time since. */
    public long currentAgeMillis(long now) {
        return initialAgeMillis + Math.max(0, now - head.responseTime());
    }

    /** The freshness lifetime (§4.2.1) with {@code cacheValid} as the operator's lifetime ({@code null}: heuristic). */
    public long lifetimeMillis(Duration cacheValid) {
        Lifetime known = lifetime;
        if (known != null && Objects.equals(known.cacheValid, cacheValid)) {
            return known.millis;
        }
        long millis = Freshness.lifetimeMillis(head.status(), head.headers(), cacheControl, head.responseTime(), cacheValid);
        lifetime = new Lifetime(cacheValid, millis);
        return millis;
    }
}
