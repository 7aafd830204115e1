package io.gatehouse.cache.store;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/** Entries, executors and log capture shared by the store's tests. */
final class StoreFixtures {

    static final String DISK_THREAD = "gatehouse-disk-test-";
    static final long MIB = 1024 * 1024;

    private StoreFixtures() {
    }

    /** An entry of {@code length} bytes whose content depends on {@code seed}, fed in chunks of {@code chunk}. */
    static StoredResponse entry(String key, int length, int seed) {
        return entry(key, body(length, seed), 16 * 1024);
    }

    static StoredResponse entry(String key, byte[] body, int chunk) {
        StoredResponse.Builder b = StoredResponse.builder(key, 200,
            StoredFields.of("Content-Type", "text/plain", "ETag", "\"" + key.hashCode() + "\""), 1_000L, 1_250L, 64 * MIB);
        for (int off = 0; off < body.length; off += chunk) {
            if (!b.append(body, off, Math.min(chunk, body.length - off))) {
                throw new AssertionError("builder refused a chunk");
            }
        }
        return b.build(body.length);
    }

    static byte[] body(int length, int seed) {
        byte[] b = new byte[length];
        int x = seed * 31 + 7;
        for (int i = 0; i < length; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) (x >>> 16);
        }
        return b;
    }

    static byte[] bytes(StoredResponse r) {
        ByteBuffer all = ByteBuffer.allocate((int) r.length());
        for (ByteBuffer b : r.body()) {
            all.put(b);
        }
        return all.array();
    }

    static String text(StoredResponse r) {
        return new String(bytes(r), StandardCharsets.UTF_8);
    }

    static int crc32c(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length);
        return (int) crc.getValue();
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** A disk executor whose threads are named {@link #DISK_THREAD}N. */
    static ExecutorService diskExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, DISK_THREAD + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A disk executor that holds every task until {@link #open()}, and records the names of the
     * threads tasks ran on.
     */
    static final class GatedExecutor implements java.util.concurrent.Executor {
        private final ExecutorService threads = diskExecutor(2);
        private final CountDownLatch gate = new CountDownLatch(1);
        final List<String> ranOn = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void execute(Runnable task) {
            threads.execute(() -> {
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                ranOn.add(Thread.currentThread().getName());
                task.run();
            });
        }

        void open() {
            gate.countDown();
        }

        void shutdown() {
            gate.countDown();
            threads.shutdown();
        }
    }

    /** Captures what a class logs, at INFO and above, until closed. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger;
        private final Level before;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture(Class<?> type) {
            logger = (Logger) LoggerFactory.getLogger(type);
            before = logger.getLevel();
            logger.setLevel(Level.INFO); // whatever a logging configuration says, the lines asserted on get through
            appender.start();
            logger.addAppender(appender);
        }

        /** Formatted messages at {@code level}. */
        List<String> lines(Level level) {
            List<String> out = new ArrayList<>();
            synchronized (appender) { // the appender appends under its own lock
                for (ILoggingEvent e : appender.list) {
                    if (e.getLevel() == level) {
                        out.add(e.getFormattedMessage());
                    }
                }
            }
            return out;
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
    }
}
