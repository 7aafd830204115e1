package io.gatehouse.runtime;

import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.server.ListenFailure;
import io.gatehouse.view.ConfigStatus;
import io.gatehouse.view.ConfigStatus.ConfigFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of the configuration directory: reads it again, and puts it in service if it is valid
 * as a whole, or keeps the configuration serving and reports every problem if it is not. One reload
 * runs at a time, on the thread {@code gatehouse-reload}; whoever asks (the directory watcher, SIGHUP,
 * the console, JMX) waits for the outcome of its own request. Each attempt is logged (one INFO line
 * when applied, one ERROR line and one per problem when refused, WARN for warnings and for settings
 * that need a restart) and handed to every {@linkplain #subscribe subscriber}.
 */
public final class Reloader implements ReloadControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /** Builds a configuration and puts it in service; returns the build's problems (errors: nothing changed). */
    @FunctionalInterface
    public interface Applier {
        List<Problem> apply(GatehouseConfig config) throws ListenFailure;
    }

    private final Path dir;
    private final GatehouseConfig started;
    private final Supplier<LoadOutcome> loader;
    private final Applier applier;
    private final LongSupplier generation;
    private final Clock clock;
    private final ExecutorService thread;
    private final List<Consumer<ReloadOutcome>> subscribers = new CopyOnWriteArrayList<>();
    private volatile Thread reloadThread;
    private ConfWatcher watcher;

    // written on the reload thread only; read by status() under this lock
    private final Object state = new Object();
    private long attempts;
    private List<ConfigFile> servingFiles;
    private Instant loadedAt;
    private List<ConfigFile> lastAttempted;
    private ReloadOutcome last;

    /**
     * @param dir        the configuration directory, as given on the command line
     * @param started    the configuration the process started with (what {@link RestartSettings} compares against)
     * @param startFiles the files {@code started} was loaded from, with their hashes (taken before loading)
     * @param loader     loads {@code dir} exactly as the start and {@code gatehouse check} do
     * @param applier    builds and installs a loaded configuration
     * @param generation the generation in service now
     */
    public Reloader(Path dir, GatehouseConfig started, List<ConfigFile> startFiles, Supplier<LoadOutcome> loader,
                    Applier applier, LongSupplier generation, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.started = Objects.requireNonNull(started, "started");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.applier = Objects.requireNonNull(applier, "applier");
        this.generation = Objects.requireNonNull(generation, "generation");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.servingFiles = List.copyOf(startFiles);
        this.lastAttempted = servingFiles;
        this.loadedAt = clock.instant();
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "gatehouse-reload");
            t.setDaemon(true);
            reloadThread = t;
            return t;
        });
    }

    /** Starts watching the directory: a change that settles reloads it, if the files' contents changed. */
    public synchronized Reloader watch() {
        if (watcher == null) {
            watcher = new ConfWatcher(dir, this::changed).start();
        }
        return this;
    }

    /** Outcomes of every later attempt go to {@code subscriber} (on the reload thread: it must not block). */
    public void subscribe(Consumer<ReloadOutcome> subscriber) {
        subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
    }

    public void unsubscribe(Consumer<ReloadOutcome> subscriber) {
        subscribers.remove(subscriber);
    }

    @Override
    public ReloadOutcome reload(String trigger) {
        Objects.requireNonNull(trigger, "trigger");
        if (Thread.currentThread() == reloadThread) {
            return attempt(trigger, ConfHashes.of(dir));
        }
        try {
            return reloadLater(trigger).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the reload");
        } catch (ExecutionException e) {
            throw new IllegalStateException("reload failed", e.getCause());
        }
    }

    /** Asks for a reload and returns at once (for a signal handler): the outcome completes the future. */
    public CompletableFuture<ReloadOutcome> reloadLater(String trigger) {
        Objects.requireNonNull(trigger, "trigger");
        try {
            return CompletableFuture.supplyAsync(() -> attempt(trigger, ConfHashes.of(dir)), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("Gatehouse is stopping"));
        }
    }

    /**
     * The watcher's call: reloads (trigger {@code watch}) only when the set of {@code *.conf} files or
     * their contents differ from those of the last attempt, so that a save that changed nothing, or a
     * broken directory seen again unchanged, does nothing.
     */
    public void changed() {
        try {
            thread.execute(() -> {
                List<ConfigFile> now = ConfHashes.of(dir);
                boolean same;
                synchronized (state) {
                    same = now.equals(lastAttempted);
                }
                if (!same) {
                    attempt("watch", now);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // closed
        }
    }

    /** One reload of the directory whose files, as read just before, are {@code files}. */
    private ReloadOutcome attempt(String trigger, List<ConfigFile> files) {
        long number;
        synchronized (state) {
            number = ++attempts;
            lastAttempted = files;
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> restart = List.of();
        boolean applied = false;
        try {
            LoadOutcome loaded = loader.get();
            sort(loaded.problems(), errors, warnings);
            if (loaded.config().isPresent() && errors.isEmpty()) {
                GatehouseConfig next = loaded.config().get();
                try {
                    sort(applier.apply(next), errors, warnings);
                    applied = errors.isEmpty();
                } catch (ListenFailure e) {
                    errors.add(e + " (the whole reload is refused; the previous configuration, with its"
                            + " listeners, keeps serving)");
                }
                if (applied) {
                    restart = RestartSettings.changed(started, next);
                }
            } else if (errors.isEmpty()) {
                errors.add(dir + ": the configuration did not load");
            }
        } catch (IllegalStateException e) {
            errors.add(dir + ": not reloaded: " + e.getMessage()); // stopping meanwhile
        } catch (RuntimeException e) {
            errors.add(dir + ": internal error while reloading (a Gatehouse bug, please report it): " + e);
        }
        Instant at = clock.instant();
        ReloadOutcome outcome = new ReloadOutcome(number, at, trigger, applied, generation.getAsLong(), errors,
                warnings, restart);
        synchronized (state) {
            if (applied) {
                servingFiles = files;
                loadedAt = at;
            }
            last = outcome;
        }
        log(outcome, files.size());
        for (Consumer<ReloadOutcome> s : subscribers) {
            try {
                s.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("a reload subscriber failed: {}", e.toString());
            }
        }
        return outcome;
    }

    private static void sort(List<Problem> problems, List<String> errors, List<String> warnings) {
        for (Problem p : problems) {
            (p.isError() ? errors : warnings).add(p.toString());
        }
    }

    private static void log(ReloadOutcome o, int files) {
        if (o.applied()) {
            o.warnings().forEach(w -> LOG.warn("{}", w));
            o.restartNeeded().forEach(r -> LOG.warn("{}", r));
            LOG.info("reload applied (generation {}, trigger {}, {} file{})", o.generation(), o.trigger(), files,
                    files == 1 ? "" : "s");
        } else {
            LOG.error("reload refused ({} error{}): trigger {}, generation {} keeps serving", o.errors().size(),
                    o.errors().size() == 1 ? "" : "s", o.trigger(), o.generation());
            o.errors().forEach(e -> LOG.error("{}", e));
            o.warnings().forEach(w -> LOG.warn("{}", w));
        }
    }

    @Override
    public ConfigStatus status() {
        synchronized (state) {
            return new ConfigStatus(dir.toString(), generation.getAsLong(), loadedAt, servingFiles,
                    Optional.ofNullable(last));
        }
    }

    /** Stops watching and reloading; a reload running finishes first. */
    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
        thread.shutdown();
    }
}
