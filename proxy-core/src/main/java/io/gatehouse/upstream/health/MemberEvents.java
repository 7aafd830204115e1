package io.gatehouse.upstream.health;

import io.gatehouse.upstream.MemberKey;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where members' state changes go: one line each on the logger {@value #LOGGER} (WARN when a member
 * goes down, INFO otherwise) and one {@link MemberEvent} to each {@link MemberListener}. The registry
 * owns one and hands it to every member state; it also runs the few follow-ups a change schedules (the
 * end of a slow-start ramp) on a timer it is given.
 */
public final class MemberEvents {
    /** The logger state changes are written to. */
    public static final String LOGGER = "io.gatehouse.upstream.health";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** Runs a task once after a delay, off the caller's stack (an IO thread's timer in the running proxy). */
    @FunctionalInterface
    public interface Timer {
        /** No follow-up ever runs: for member states made without a registry (tests of pickers). */
        Timer NONE = (delayNanos, task) -> { };

        void after(long delayNanos, Runnable task);
    }

    private final List<MemberListener> listeners = new CopyOnWriteArrayList<>();
    private final Clock wallClock;
    private final Timer timer;

    /**
     * @param wallClock the time events carry
     * @param timer     runs follow-ups (the end of a slow-start ramp)
     */
    public MemberEvents(Clock wallClock, Timer timer) {
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    public void addListener(MemberListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(MemberListener listener) {
        listeners.remove(listener);
    }

    public Clock wallClock() {
        return wallClock;
    }

    /** Schedules {@code task} after {@code delayNanos}. */
    public void after(long delayNanos, Runnable task) {
        timer.after(delayNanos, task);
    }

    /** The event for a change made now; {@link #publish} it once the state's lock is released. */
    public MemberEvent event(String cluster, MemberKey member, MemberStatus from, MemberStatus to, String reason) {
        return new MemberEvent(cluster, member, from, to, reason, wallClock.instant());
    }

    /** Logs {@code event}'s line and tells every listener; a listener that throws is logged and skipped. */
    public void publish(MemberEvent event) {
        if (event.to() == MemberStatus.DOWN) {
            LOG.warn(event.line());
        } else {
            LOG.info(event.line());
        }
        for (MemberListener listener : listeners) {
            try {
                listener.memberChanged(event);
            } catch (RuntimeException e) {
                LOG.warn("a listener of member changes failed on \"{}\": {}", event.line(), e.toString());
            }
        }
    }
}
