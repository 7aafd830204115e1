package io.gatehouse.runtime;

import java.time.Duration;

/**
 * When a burst of changes to the configuration directory has settled: a change is acted on once the
 * directory has been quiet for {@code quiet}, so an editor's save (a temporary file, a rename, a
 * deletion) or a deployment that writes ten files causes one reload. Pure: the caller gives the time
 * (monotonic nanoseconds). Not thread-safe; one watcher thread owns it.
 */
final class Debounce {
    private final long quietNanos;
    private boolean pending;
    private long lastEvent;

    Debounce(Duration quiet) {
        this.quietNanos = quiet.toNanos();
    }

    /** A change was seen at {@code now}. */
    void event(long now) {
        pending = true;
        lastEvent = now;
    }

    boolean pending() {
        return pending;
    }

    /** Nanoseconds until the pending change is due (0 or less: due now); {@code Long.MAX_VALUE} when none. */
    long dueIn(long now) {
        return pending ? quietNanos - (now - lastEvent) : Long.MAX_VALUE;
    }

    /** True once, when a pending change has been quiet for long enough; then nothing is pending. */
    boolean fire(long now) {
        if (pending && now - lastEvent >= quietNanos) {
            pending = false;
            return true;
        }
        return false;
    }
}
