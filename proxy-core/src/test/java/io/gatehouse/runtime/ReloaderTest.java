package io.gatehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.server.ListenFailure;
import io.gatehouse.view.ConfigStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reloader over a real directory watched with the platform's notifications: editors' saves
 * (temporary file renamed over the original), removals and renames are noticed and reloaded; a burst
 * is one reload; a save that changed nothing reloads nothing; a bad directory is refused whole with
 * {@code file:line}; a port that cannot be bound refuses the reload; the directory may vanish and come back.
 * The apply step is a recorder standing in for {@code Assembly.apply}.
 */
@Timeout(60)
class ReloaderTest {
    private static final String SITE = "[server]\nport = 8080\n\n[routes:line]\n/hc = return 200 %s\n";

    @TempDir
    Path tmp;

    private Path dir;
    private final AtomicLong generation = new AtomicLong(1);
    private final List<GatehouseConfig> applied = new ArrayList<>();
    private final AtomicReference<ListenFailure> listenFailure = new AtomicReference<>();
    private final BlockingQueue<ReloadOutcome> outcomes = new LinkedBlockingQueue<>();
    /** Counts the watcher's signals after the reloader has queued its look at the files. */
    private final AtomicInteger signals = new AtomicInteger();
    private Reloader reloader;
    private ConfWatcher watcher;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createDirectories(tmp.resolve("conf.d"));
        write("site.conf", SITE.formatted("one"));
        List<ConfigStatus.ConfigFile> files = ConfHashes.of(dir);
        GatehouseConfig started = ConfLoader.load(dir, Map.of()).config().orElseThrow();
        reloader = new Reloader(dir, started, files, () -> ConfLoader.load(dir, Map.of()), config -> {
            ListenFailure f = listenFailure.get();
            if (f != null) {
                throw f;
            }
            synchronized (applied) {
                applied.add(config);
            }
            generation.incrementAndGet();
            return List.of();
        }, generation::get, Clock.systemUTC());
        reloader.subscribe(outcomes::add);
        watcher = new ConfWatcher(dir, ConfWatcher.QUIET, Duration.ofMillis(200), () -> {
            reloader.changed();
            signals.incrementAndGet();
        }, System::nanoTime).start();
    }

    @AfterEach
    void stop() {
        watcher.close();
        reloader.close();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** As vim, emacs and most editors save: a new file beside the old one, renamed over it. */
    private void saveByRename(String name, String text) throws IOException {
        Path temp = dir.resolve("." + name + ".swp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private ReloadOutcome next() throws InterruptedException {
        ReloadOutcome o = outcomes.poll(10, TimeUnit.SECONDS);
        assertNotNull(o, "a reload within 10 s");
        return o;
    }

    /** The body the last applied configuration's /hc route returns. */
    private String lastBody() {
        synchronized (applied) {
            return applied.get(applied.size() - 1).sites().get(0).vhosts().toString();
        }
    }

    /** Waits until the watcher has signalled {@code n} times, then makes sure its reloads (if any) are done. */
    private void awaitSignals(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (signals.get() < n) {
            assertTrue(System.nanoTime() < deadline, "the watcher signals within 10 s");
            TimeUnit.MILLISECONDS.sleep(10); // polling a counter another thread moves
        }
    }

    @Test
    void anEditorSaveThroughATemporaryFileIsReloadedOnceAndApplied() throws Exception {
        saveByRename("site.conf", SITE.formatted("two"));
        ReloadOutcome o = next();
        assertTrue(o.applied(), o.toString());
        assertEquals("watch", o.trigger());
        assertEquals(1, o.attempt());
        assertEquals(2, o.generation());
        assertTrue(lastBody().contains("two"), lastBody());
        ConfigStatus status = reloader.status();
        assertEquals(2, status.generation());
        assertEquals(List.of("site.conf"), status.files().stream().map(ConfigStatus.ConfigFile::name).toList());
        assertEquals(ConfHashes.sha256(Files.readAllBytes(dir.resolve("site.conf"))), status.files().get(0).sha256());
        assertEquals(o, status.lastReload().orElseThrow());
    }

    @Test
    void aFileAddedThenRemovedAndRenamedAwayIsEachTimeADifferentSetOfFiles() throws Exception {
        write("other.conf", "[@api]\nmembers = 127.0.0.1:9000\n");
        assertTrue(next().applied());
        assertEquals(List.of("other.conf", "site.conf"), names(reloader.status()));

        Files.move(dir.resolve("other.conf"), dir.resolve("zz.conf"));
        assertTrue(next().applied());
        assertEquals(List.of("site.conf", "zz.conf"), names(reloader.status()));

        Files.move(dir.resolve("zz.conf"), dir.resolve("zz.conf.disabled"));
        assertTrue(next().applied());
        assertEquals(List.of("site.conf"), names(reloader.status()));
    }

    private static List<String> names(ConfigStatus status) {
        return status.files().stream().map(ConfigStatus.ConfigFile::name).toList();
    }

    @Test
    void aBurstOfWritesIsOneReloadOfTheLastContent() throws Exception {
        for (int i = 0; i < 30; i++) {
            write("site.conf", SITE.formatted("burst-" + i));
        }
        ReloadOutcome o = next();
        assertTrue(o.applied());
        assertTrue(lastBody().contains("burst-29"), lastBody());
        ReloadOutcome probe = reloader.reload("probe");
        assertEquals(o.attempt() + 1, probe.attempt(), "no other reload came of the burst: " + outcomes);
    }

    @Test
    void aSaveThatChangesNothingReloadsNothing() throws Exception {
        write("site.conf", SITE.formatted("one"));
        Files.setLastModifiedTime(dir.resolve("site.conf"), Files.getLastModifiedTime(dir.resolve("site.conf")));
        write("notes.txt", "not a configuration file");
        awaitSignals(1);
        ReloadOutcome probe = reloader.reload("probe");
        assertEquals(1, probe.attempt(), "the watcher's look found the same files: no attempt before the probe");
        assertEquals("probe", next().trigger());
        assertTrue(outcomes.isEmpty());
    }

    @Test
    void aBrokenDirectoryIsRefusedWholeWithFileAndLineAndSeenAgainUnchangedDoesNothing() throws Exception {
        write("site.conf", SITE.formatted("one") + "\n[@api]\nmembers = nowhere:notaport\nweight = 0\n");
        ReloadOutcome refused = next();
        assertFalse(refused.applied());
        assertEquals(1, refused.generation(), "the generation serving is unchanged");
        assertTrue(refused.errors().size() >= 1, refused.toString());
        assertTrue(refused.errors().stream().allMatch(e -> e.startsWith(dir.resolve("site.conf") + ":")),
                "each problem at its file:line: " + refused.errors());
        assertEquals(SITE.formatted("one").length(), reloader.status().files().get(0).size(),
                "the status still shows the files in service");
        synchronized (applied) {
            assertTrue(applied.isEmpty());
        }
        int seen = signals.get();
        Files.setLastModifiedTime(dir.resolve("site.conf"), java.nio.file.attribute.FileTime.fromMillis(0));
        awaitSignals(seen + 1);
        assertEquals(refused.attempt() + 1, reloader.reload("probe").attempt(), "the same broken files: no attempt");
    }

    @Test
    void anExplicitReloadAlwaysReloadsAndAPortThatCannotBeBoundRefusesIt() throws Exception {
        ReloadOutcome same = reloader.reload("SIGHUP");
        assertTrue(same.applied(), "SIGHUP reloads even an unchanged directory");
        listenFailure.set(new ListenFailure(new SourcePos(dir.resolve("site.conf").toString(), 2),
                "[server] cannot listen on 127.0.0.1:8080: address already in use", new java.net.BindException()));
        ReloadOutcome refused = reloader.reload("console:alice");
        assertFalse(refused.applied());
        assertEquals("console:alice", refused.trigger());
        assertEquals(same.generation(), refused.generation());
        assertEquals(1, refused.errors().size());
        assertTrue(refused.errors().get(0).startsWith(dir.resolve("site.conf") + ":2: [server] cannot listen on"),
                refused.errors().get(0));
        assertTrue(refused.errors().get(0).contains("the whole reload is refused"), refused.errors().get(0));
    }

    @Test
    void subscribersHearEveryAttemptUntilTheyLeave() {
        List<ReloadOutcome> heard = new ArrayList<>();
        Consumer<ReloadOutcome> s = heard::add;
        reloader.subscribe(s);
        reloader.reload("a");
        reloader.unsubscribe(s);
        reloader.reload("b");
        assertEquals(List.of("a"), heard.stream().map(ReloadOutcome::trigger).toList());
    }

    @Test
    void aDirectoryThatVanishesAndComesBackIsWatchedAgain() throws Exception {
        Files.delete(dir.resolve("site.conf"));
        Files.delete(dir);
        ReloadOutcome gone = next();
        assertFalse(gone.applied(), "nothing to load: refused, the configuration keeps serving");
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Files.writeString(staging.resolve("site.conf"), SITE.formatted("back"));
        Files.move(staging, dir);
        ReloadOutcome back = next();
        assertTrue(back.applied(), back.toString());
        assertTrue(lastBody().contains("back"), lastBody());
        saveByRename("site.conf", SITE.formatted("again"));
        assertTrue(next().applied());
        assertTrue(lastBody().contains("again"), lastBody());
    }
}
