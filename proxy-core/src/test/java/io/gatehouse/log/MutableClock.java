package io.gatehouse.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** A clock that tests set and move; safe to read from another thread. */
final class MutableClock extends Clock {
    private final ZoneId zone;
    private volatile Instant now;

    MutableClock(LocalDateTime localNow, ZoneId zone) {
        this.zone = zone;
        this.now = localNow.atZone(zone).toInstant();
    }

    void set(LocalDateTime localNow) {
        now = localNow.atZone(zone).toInstant();
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
        return now;
    }
}
