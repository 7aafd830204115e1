package io.gatehouse.config.check;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.spi.ConfigCheck;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code gatehouse check}: loads a {@code conf.d} directory exactly as startup and reload do, prints
 * every problem as {@code file:line: message} and a one-line summary, and exits 0 when there is no
 * error (the {@code nginx -t} of Gatehouse).
 */
public final class CheckCommand {
    private CheckCommand() {
    }

    /**
     * Problems go to {@code err}, one per line; the summary goes to {@code out}, e.g.
     * {@code conf.d: configuration OK (2 sites, 1 listener, 3 clusters)} or {@code conf.d: 3 errors}.
     *
     * @return 0 when the directory has no error (warnings allowed), 1 otherwise
     */
    public static int run(Path dir, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(dir, env, List.of(), out, err);
    }

    /** As {@link #run(Path, Map, PrintStream, PrintStream)}, with other modules' {@code checks}. */
    public static int run(Path dir, Map<String, String> env, List<ConfigCheck> checks, PrintStream out, PrintStream err) {
        LoadOutcome outcome = ConfLoader.load(dir, env, checks);
        long errors = 0;
        long warnings = 0;
        for (Problem problem : outcome.problems()) {
            err.println(problem);
            if (problem.isError()) {
                errors++;
            } else {
                warnings++;
            }
        }
        err.flush();
        out.println(summary(dir, outcome, errors, warnings));
        out.flush();
        return outcome.ok() ? 0 : 1;
    }

    static String summary(Path dir, LoadOutcome outcome, long errors, long warnings) {
        String warned = warnings == 0 ? "" : ", " + count(warnings, "warning");
        if (outcome.config().isEmpty()) {
            return dir + ": " + count(errors, "error") + warned;
        }
        GatehouseConfig config = outcome.config().get();
        return dir + ": configuration OK (" + count(config.sites().size(), "site") + ", "
                + count(config.listeners().size(), "listener") + ", "
                + count(config.clusters().size(), "cluster") + ")" + warned;
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
