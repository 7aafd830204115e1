package io.gatehouse.app;

import io.undertow.UndertowLogger;
import io.undertow.util.Cookies;
import io.undertow.util.DateUtils;
import java.text.SimpleDateFormat;
import java.time.ZoneId;
import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.xnio.nio.NioXnioProvider;

/**
 * The second core's share of a start ({@code gatehouse run}, {@code demo}, {@code train}): while the
 * main thread reads and checks the configuration, one thread sets up what the rest of the start needs
 * before the listeners are bound and takes long to make the first time: logging (with java.time's zone
 * rules, whose provider lookup opens every jar of the class path), the calendar and locale data of the
 * error log's daily rolling, XNIO with the platform MBean server it registers in, and what Undertow
 * does once for the first request it reads (the Date header's format, two classes' initialization). Only
 * what comes before the first answer: on 2 cores, work done ahead of its need takes the CPU from that
 * answer (the platform MBean server made on a third thread at once was measured: no gain).
 *
 * <p>Nothing is handed over: each item is the JVM's own or a library's one-time initialization, which is
 * thread-safe, so whichever thread comes to it first does it and the other waits. Only logging has an
 * order to keep: a logger asked for while SLF4J is being set up on another thread would be a stand-in, so
 * {@link Assembly#start} waits for {@link #awaitLogging} before the first logger. Measured in
 * docs/performance.md, "Start and memory".
 */
final class StartWarmup {
    /** Counted down once logging is set up (or its setting up failed); open when no warm-up runs. */
    private static volatile CountDownLatch logging = new CountDownLatch(0);

    private StartWarmup() {
    }

    /** Starts the warm-up thread; call once, before anything asks for a logger. */
    static synchronized void begin() {
        if (logging.getCount() > 0) {
            return;
        }
        CountDownLatch latch = new CountDownLatch(1);
        logging = latch;
        Thread t = new Thread(() -> warm(latch), "gatehouse-start");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits until the warm-up thread has set logging up (at most a few seconds: after that SLF4J's own
     * waiting applies); returns at once when no warm-up runs.
     */
    static void awaitLogging() {
        try {
            logging.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warm(CountDownLatch latch) {
        try {
            ZoneId.systemDefault();
            LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError e) {
            // the main thread meets it again and says so
        } finally {
            latch.countDown();
        }
        try {
            new SimpleDateFormat("yyyy-MM-dd").format(new Date()); // the error log's rolling: calendar, locale data
            new NioXnioProvider().getInstance(); // with the platform MBean server it registers in
            // what Undertow does once, on the IO thread, for the first request it reads: its Date header
            // (RFC 1123 with the zone's display name) and two classes whose initialization links string
            // concatenations and JBoss Logging's message logger
            DateUtils.toDateString(new Date());
            ClassLoader loader = StartWarmup.class.getClassLoader();
            Class.forName(Cookies.class.getName(), true, loader);
            Class.forName(UndertowLogger.class.getName(), true, loader);
        } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
            // only a warm-up: whoever needs it meets the failure itself
        }
    }
}
