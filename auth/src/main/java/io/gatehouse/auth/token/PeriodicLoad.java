package io.gatehouse.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A load (a key set, a token file) that runs on an executor at most once per interval and never
 * twice at the same time, so the threads that ask for the loaded value never wait for it.
 */
final class PeriodicLoad {
    private final Runnable load;
    private final Consumer<RuntimeException> onRejected;
    private final long intervalMillis;
    private final Clock clock;
    private final Executor executor;
    private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
    private volatile long nextMillis = Long.MIN_VALUE;
    private volatile long lastStartMillis = Long.MIN_VALUE;

    /** Runs {@code load} on {@code executor}; {@code onRejected} hears of an executor that refused it. */
    PeriodicLoad(Runnable load, Consumer<RuntimeException> onRejected, Duration interval, Clock clock,
                 Executor executor) {
        this.load = Objects.requireNonNull(load, "load");
        this.onRejected = Objects.requireNonNull(onRejected, "onRejected");
        this.intervalMillis = interval.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Starts a load when the interval since the last one has passed. Never blocks. */
    void startIfDue() {
        if (clock.millis() >= nextMillis) {
            start();
        }
    }

    /**
     * Starts a load before its interval when the last one started at least {@code minGap} ago: for
     * news that the loaded value may be stale (a key id not in the set). Never blocks.
     */
    void startEarly(Duration minGap) {
        long last = lastStartMillis;
        if (last == Long.MIN_VALUE || clock.millis() - last >= minGap.toMillis()) {
            start();
        }
    }

    /** Starts a load now unless one is running; completes when that load (or the running one) is over. */
    CompletableFuture<Void> start() {
        CompletableFuture<Void> running = inFlight.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, mine)) {
            CompletableFuture<Void> other = inFlight.get();
            return other == null ? CompletableFuture.completedFuture(null) : other;
        }
        lastStartMillis = clock.millis();
        nextMillis = lastStartMillis + intervalMillis;
        try {
            executor.execute(() -> {
                try {
                    load.run();
                } finally {
                    finish(mine);
                }
            });
        } catch (RuntimeException rejected) {
            onRejected.accept(rejected);
            finish(mine);
        }
        return mine;
    }

    private void finish(CompletableFuture<Void> done) {
        nextMillis = clock.millis() + intervalMillis;
        inFlight.compareAndSet(done, null);
        done.complete(null);
    }
}
