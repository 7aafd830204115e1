package io.gatehouse.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLoggerFactory;

/**
 * The start's second thread: once {@link StartWarmup#awaitLogging} returns, SLF4J is set up, so the
 * loggers the start asks for afterwards are the backend's own, not SLF4J's stand-ins for the time of its
 * setting up; without a warm-up it waits for nothing.
 */
class StartWarmupTest {
    @Test
    void afterAwaitingLoggingTheLoggerFactoryIsTheBackendsAndTheThreadIsNamed() throws Exception {
        long started = System.nanoTime();
        StartWarmup.begin();
        StartWarmup.awaitLogging();
        assertFalse(LoggerFactory.getILoggerFactory() instanceof SubstituteLoggerFactory,
                "set up when awaitLogging returns: " + LoggerFactory.getILoggerFactory());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10, "without waiting for its timeout");

        // the thread goes on with XNIO and the calendar, then ends by itself
        Thread warm = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("gatehouse-start")).findFirst().orElse(null);
        if (warm != null) {
            assertTrue(warm.isDaemon(), "never keeps the JVM up");
            warm.join(20_000);
            assertFalse(warm.isAlive(), "ends by itself");
        }
        StartWarmup.begin(); // a second start in the same JVM (the tests' harness) starts another, and waits as well
        StartWarmup.awaitLogging();
    }
}
