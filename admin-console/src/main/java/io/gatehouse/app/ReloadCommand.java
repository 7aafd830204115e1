package io.gatehouse.app;

import io.gatehouse.config.source.IoErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@code gatehouse reload}, as {@code nginx -s reload}: finds the running Gatehouse through its pid
 * file, sends it SIGHUP, waits for the outcome of that reload in the status file next to the pid file,
 * and says what came of it. Exit 0 when the new configuration is in service; 1 when it was refused
 * (every problem printed as {@code file:line: message}; the running configuration keeps serving), when
 * no Gatehouse runs, or when none answered in time.
 */
final class ReloadCommand {
    static final Duration WAIT = Duration.ofSeconds(30);

    private ReloadCommand() {
    }

    static int run(Path conf, Map<String, String> env, Optional<Path> pid, PrintStream out, PrintStream err,
                   Duration wait) {
        PidFile pidFile = PidFile.of(conf, env, pid);
        OptionalLong number = pidFile.read();
        if (number.isEmpty()) {
            err.println("gatehouse: no running Gatehouse: " + pidFile.path() + " does not exist or holds no process id"
                    + (pid.isPresent() ? "" : " (the pid file of " + conf + "; another one is given with --pid FILE)"));
            return 1;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(number.getAsLong()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            err.println("gatehouse: no running Gatehouse: " + pidFile.path() + " names process " + number.getAsLong()
                    + ", which is not running");
            return 1;
        }
        Path statusFile = pidFile.statusFile();
        long before = ReloadStatusFile.read(statusFile).map(ReloadStatusFile.Status::attempt).orElse(-1L);
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(number.getAsLong()))
                    .redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes()).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                err.println("gatehouse: cannot send SIGHUP to process " + number.getAsLong() + ": " + said);
                return 1;
            }
        } catch (IOException e) {
            err.println("gatehouse: cannot run kill: " + IoErrors.describe(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<ReloadStatusFile.Status> now = ReloadStatusFile.read(statusFile)
                    .filter(s -> s.attempt() > before && s.trigger().equals("SIGHUP"));
            if (now.isPresent()) {
                return report(now.get(), out, err);
            }
            if (!process.get().isAlive()) {
                err.println("gatehouse: process " + number.getAsLong() + " ended before reloading");
                return 1;
            }
            if (System.nanoTime() - deadline > 0) {
                err.println("gatehouse: process " + number.getAsLong() + " got SIGHUP but wrote no outcome to "
                        + statusFile + " within " + wait.toSeconds() + " s");
                return 1;
            }
            try {
                Thread.sleep(50); // polling a file another process writes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private static int report(ReloadStatusFile.Status s, PrintStream out, PrintStream err) {
        s.warnings().forEach(err::println);
        if (s.applied()) {
            s.restartNeeded().forEach(err::println);
            out.println("gatehouse: reload applied (generation " + s.generation() + ")");
            return 0;
        }
        s.errors().forEach(err::println);
        err.println("gatehouse: reload refused (" + s.errors().size() + " error" + (s.errors().size() == 1 ? "" : "s")
                + "); generation " + s.generation() + " keeps serving");
        return 1;
    }
}
