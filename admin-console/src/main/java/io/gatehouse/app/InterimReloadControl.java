package io.gatehouse.app;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.source.ConfDirectory;
import io.gatehouse.runtime.ReloadControl;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.server.ListenFailure;
import io.gatehouse.view.ConfigStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A reload for the admin console until the hot-reload module is wired in: loads {@code conf.d} again and
 * puts it in service through {@link Assembly#apply}, one at a time. INTEGRATOR: replace with
 * {@code Assembly.reloads()} (the Reloader of issue 12 part 1) and delete this class.
 */
final class InterimReloadControl implements ReloadControl {
    private final Assembly assembly;
    private final Map<String, String> env;
    private final Clock clock;
    private long attempts;
    private Optional<ReloadOutcome> last = Optional.empty();

    InterimReloadControl(Assembly assembly, Map<String, String> env, Clock clock) {
        this.assembly = assembly;
        this.env = env;
        this.clock = clock;
    }

    @Override
    public synchronized ReloadOutcome reload(String trigger) {
        long attempt = ++attempts;
        LoadOutcome loaded = ConfLoader.load(assembly.confDir(), env, Modules.configChecks());
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        sort(loaded.problems(), errors, warnings);
        if (loaded.config().isPresent()) {
            try {
                sort(assembly.apply(loaded.config().get()), errors, warnings);
            } catch (ListenFailure e) {
                errors.add(e.toString());
            }
        }
        ReloadOutcome outcome = new ReloadOutcome(attempt, clock.instant(), trigger, errors.isEmpty(),
                assembly.runtime().generation(), errors, warnings, List.of());
        last = Optional.of(outcome);
        return outcome;
    }

    private static void sort(List<Problem> problems, List<String> errors, List<String> warnings) {
        for (Problem p : problems) {
            (p.isError() ? errors : warnings).add(p.toString());
        }
    }

    @Override
    public synchronized ConfigStatus status() {
        List<ConfigStatus.ConfigFile> files = new ArrayList<>();
        for (ConfDirectory.ConfFile f : ConfDirectory.list(assembly.confDir(), (pos, message) -> { })) {
            try {
                byte[] bytes = Files.readAllBytes(f.path());
                files.add(new ConfigStatus.ConfigFile(f.path().getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), bytes.length));
            } catch (IOException | NoSuchAlgorithmException e) {
                // a file that vanished since: not listed
            }
        }
        return new ConfigStatus(assembly.confDir().toString(), assembly.runtime().generation(),
                assembly.runtime().builtAt(), files, last);
    }
}
