package io.gatehouse.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when files in the configuration directory are added, edited, removed or renamed (an editor's
 * temporary file renamed over the original included) and, once the directory has been quiet for a
 * moment, says so once. It watches the directory with the platform's file notifications (inotify on
 * Linux) on its own thread, {@code gatehouse-conf-watch}, and checks every {@code poll} that the
 * directory is still the one watched: a directory removed, or replaced by another of the same name,
 * is watched again as soon as it is back, and its return counts as a change. It never stops by
 * itself; {@link #close} ends it.
 */
public final class ConfWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfWatcher.class);

    /** How long the directory must be quiet before a change is acted on. */
    public static final Duration QUIET = Duration.ofMillis(300);
    /** How often the directory itself is looked at again (removed, replaced, back). */
    public static final Duration POLL = Duration.ofSeconds(1);

    private final Path dir;
    private final Duration poll;
    private final Runnable onChange;
    private final LongSupplier nanoTime;
    private final Debounce debounce;
    private final Thread thread;
    private volatile boolean closed;
    private WatchService service;
    // the watcher thread's, once started; set first by start() so that no change after it is missed
    private WatchKey key;
    private Object watched;
    private boolean missingReported;
    private long nextLook;

    /**
     * @param onChange runs on the watcher's thread once a burst of changes has settled; it should hand
     *                 the work on rather than take long
     */
    public ConfWatcher(Path dir, Duration quiet, Duration poll, Runnable onChange, LongSupplier nanoTime) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.poll = poll;
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.nanoTime = nanoTime;
        this.debounce = new Debounce(quiet);
        this.thread = new Thread(this::run, "gatehouse-conf-watch");
        thread.setDaemon(true);
    }

    public ConfWatcher(Path dir, Runnable onChange) {
        this(dir, QUIET, POLL, onChange, System::nanoTime);
    }

    public ConfWatcher start() {
        try {
            service = dir.getFileSystem().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("{}: changes cannot be watched ({}); reload with SIGHUP or gatehouse reload", dir, e.toString());
            return this;
        }
        try {
            look(nanoTime.getAsLong());
        } catch (IOException | RuntimeException e) {
            key = null; // the thread tries again
        }
        thread.start();
        return this;
    }

    /** Checks that the directory is there and is the one watched, and (re-)registers it when needed. */
    private void look(long now) throws IOException {
        nextLook = now + poll.toNanos();
        Object identity = identity();
        if (identity == null) {
            if (key != null) {
                key.cancel();
                key = null;
            }
            if (!missingReported) {
                LOG.warn("{}: the configuration directory is gone; serving on, and watching for it", dir);
                missingReported = true;
            }
            watched = null;
        } else if (key == null || !key.isValid() || !identity.equals(watched)) {
            if (key != null) {
                key.cancel();
            }
            boolean again = watched != null || missingReported;
            key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            if (again) {
                LOG.info("{}: the configuration directory is back", dir);
                debounce.event(now);
            }
            watched = identity;
            missingReported = false;
        }
    }

    private void run() {
        while (!closed) {
            try {
                long now = nanoTime.getAsLong();
                if (now - nextLook >= 0) {
                    look(now);
                }
                long waitNanos = Math.max(0, Math.min(nextLook - now, debounce.dueIn(now)));
                WatchKey signalled = service.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)),
                        TimeUnit.MILLISECONDS);
                while (signalled != null) {
                    signalled.pollEvents();
                    debounce.event(nanoTime.getAsLong());
                    if (!signalled.reset() && signalled == key) {
                        key = null;
                        nextLook = nanoTime.getAsLong();
                    }
                    signalled = service.poll();
                }
                if (debounce.fire(nanoTime.getAsLong())) {
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        LOG.warn("{}: acting on a change failed: {}", dir, e.toString());
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // the directory went away between the look and the register: try again
                LOG.debug("{}: watching again after {}", dir, e.toString());
                key = null;
                watched = null;
                debounce.event(nanoTime.getAsLong()); // whatever happened meanwhile counts as a change
                nextLook = nanoTime.getAsLong() + poll.toNanos();
                pause();
            }
        }
    }

    /** Waits one poll period (used only after a failure, so that a failing directory is not spun on). */
    private void pause() {
        try {
            WatchKey ignored = service.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
            if (ignored != null) {
                ignored.pollEvents();
                ignored.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            closed = true;
        }
    }

    /** What tells this directory from another of the same name (its inode), or null when there is none. */
    private Object identity() {
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
            if (!a.isDirectory()) {
                return null;
            }
            Object key = a.fileKey();
            return key != null ? key : a.creationTime();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
