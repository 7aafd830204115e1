package io.gatehouse.admin.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's logged-in sessions, in memory: each has a random 256-bit id (the cookie) and a random
 * CSRF token, ends after {@code session_timeout} without use and 12 hours after login at most, and is
 * forgotten at logout or restart. At most {@link #MAX_SESSIONS} live at once; a login beyond that ends
 * the session used least recently.
 */
public final class Sessions {
    /** The longest a session lives, however busy. */
    public static final Duration ABSOLUTE_LIMIT = Duration.ofHours(12);
    public static final int MAX_SESSIONS = 1000;

    /**
     * One login.
     *
     * @param id     the cookie value
     * @param user   who logged in
     * @param csrf   the token state-changing requests must carry in {@code X-CSRF-Token}
     * @param since  when they logged in
     */
    public record Session(String id, String user, String csrf, Instant since) {
    }

    private record Entry(Session session, Instant lastUsed) {
    }

    private final Duration idle;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Entry> live = new ConcurrentHashMap<>();

    public Sessions(Duration idle, Clock clock, SecureRandom random) {
        this.idle = Objects.requireNonNull(idle, "idle");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Starts a session for {@code user}. */
    public Session create(String user) {
        Instant now = clock.instant();
        if (live.size() >= MAX_SESSIONS) {
            live.values().removeIf(e -> expired(e, now));
            while (live.size() >= MAX_SESSIONS) {
                Optional<Entry> oldest = live.values().stream().min(Comparator.comparing(Entry::lastUsed));
                if (oldest.isEmpty()) {
                    break;
                }
                live.remove(oldest.get().session().id());
            }
        }
        Session s = new Session(randomId(), user, randomId(), now);
        live.put(s.id(), new Entry(s, now));
        return s;
    }

    /** The live session {@code id} names, marked used now; empty when unknown or expired (then forgotten). */
    public Optional<Session> use(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Entry e = live.get(id);
        if (e == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(e, now)) {
            live.remove(id, e);
            return Optional.empty();
        }
        live.replace(id, e, new Entry(e.session(), now));
        return Optional.of(e.session());
    }

    /** When {@code s} ends if not used again. */
    public Instant expiresAt(Session s) {
        Entry e = live.get(s.id());
        Instant last = e == null ? s.since() : e.lastUsed();
        Instant byIdle = last.plus(idle);
        Instant byAge = s.since().plus(ABSOLUTE_LIMIT);
        return byIdle.isBefore(byAge) ? byIdle : byAge;
    }

    /** Ends session {@code id} (logout). */
    public void end(String id) {
        if (id != null) {
            live.remove(id);
        }
    }

    /** Sessions live now (expired ones not yet noticed included). */
    public int size() {
        return live.size();
    }

    private boolean expired(Entry e, Instant now) {
        return !now.isBefore(e.lastUsed().plus(idle)) || !now.isBefore(e.session().since().plus(ABSOLUTE_LIMIT));
    }

    private String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
