package io.gatehouse.it;

import io.undertow.util.DateUtils;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Before every test, forgets the {@code Date} value Undertow shares across the JVM, so in-process
 * members and Gatehouse never send a date from an earlier test.
 *
 * <p>Undertow keeps one formatted {@code Date} per JVM and forgets it one second later by a task on the
 * IO thread that made it. When a test stops its server within that second, the task never runs and every
 * later answer in the JVM carries that old date; a cache then reads a fresh {@code max-age=60} answer as
 * already minutes old (RFC 9111 §4.2.3) and stores it stale. A Gatehouse process keeps its IO threads for
 * its whole life, so this only happens where many servers start and stop in one JVM: here. Registered for
 * every test class through {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class FreshUndertowDate implements BeforeEachCallback {
    private static final AtomicReference<?> CACHED = cachedDate();

    private static AtomicReference<?> cachedDate() {
        try {
            Field f = DateUtils.class.getDeclaredField("cachedDateString");
            f.setAccessible(true);
            return (AtomicReference<?>) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Undertow's DateUtils changed: recheck FreshUndertowDate", e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        CACHED.set(null);
    }
}
