package io.gatehouse.upstream.health;

import java.util.Locale;

/**
 * A member's state in a cluster, as the pool view shows it and events report it. A member's own state
 * ({@code MemberState.status}) is one of {@link #UP}, {@link #DOWN}, {@link #CHECKING},
 * {@link #SLOW_START} and {@link #DRAINING}; the pool view adds {@link #BACKUP} (a usable member the
 * configuration lists as {@code backup}) and shows a member written {@code down} as {@link #DOWN}.
 */
public enum MemberStatus {
    /** Usable at its full weight. */
    UP,
    /** Not usable: active checks failed, passive health took it out, or the configuration says {@code down}. */
    DOWN,
    /** Active checks are on and have not run yet: usable meanwhile. */
    CHECKING,
    /** Back (or added by a reload) and ramping up to its full weight under {@code slow_start}. */
    SLOW_START,
    /** Usable, and listed as {@code backup}: it gets requests only when no other member is usable. */
    BACKUP,
    /** Takes no new requests; those in flight finish. */
    DRAINING;

    /** The word in logs and in the pool view: {@code up}, {@code slow_start}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return word();
    }
}
