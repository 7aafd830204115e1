package io.gatehouse.admin.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.admin.security.Sessions.Session;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Console sessions: ids and CSRF tokens are 256 random bits each, and the number live at once is bounded,
 * the session used least recently giving way.
 */
class SessionsTest {
    @Test
    void idsAndCsrfTokensAre256RandomBitsAndDiffer() {
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC(), new SecureRandom());
        Session a = sessions.create("alice");
        Session b = sessions.create("alice");
        assertEquals(32, Base64.getUrlDecoder().decode(a.id()).length);
        assertEquals(32, Base64.getUrlDecoder().decode(a.csrf()).length);
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.id(), a.csrf());
        assertEquals(Optional.of(a), sessions.use(a.id()));
        assertEquals(Optional.empty(), sessions.use("made-up"));
        assertEquals(Optional.empty(), sessions.use(null));
    }

    @Test
    void beyondTheBoundTheSessionUsedLeastRecentlyEnds() {
        Instant start = Instant.parse("2026-12-03T12:00:00Z");
        Instant[] now = {start};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        Sessions sessions = new Sessions(Duration.ofMinutes(30), clock, new SecureRandom());
        Session first = sessions.create("alice");
        now[0] = now[0].plusSeconds(1);
        Session second = sessions.create("alice");
        for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
            now[0] = now[0].plusSeconds(1);
            sessions.create("alice");
        }
        now[0] = now[0].plusSeconds(1);
        assertTrue(sessions.use(first.id()).isPresent(), "used now: the second is the least recent");
        sessions.create("alice");
        assertEquals(Sessions.MAX_SESSIONS, sessions.size());
        assertTrue(sessions.use(first.id()).isPresent());
        assertEquals(Optional.empty(), sessions.use(second.id()));
    }
}
