package io.gatehouse.app;

import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.source.ConfDirectory;
import io.gatehouse.config.source.ConfDirectory.ConfFile;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniLine;
import io.gatehouse.config.source.IniReader;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.bind.ConfLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The pid file of a running Gatehouse, as nginx's: {@code run} and {@code demo} write their process id
 * to it (by default {@code gatehouse.pid} in the {@code [log] dir}, else {@code --pid FILE}) and remove
 * it at a clean stop; {@code gatehouse reload} reads it to find whom to send SIGHUP. A start is refused
 * while the file names a live Gatehouse process. Next to it, {@link ReloadStatusFile}.
 */
final class PidFile {
    static final String FILE_NAME = "gatehouse.pid";

    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** The status file that goes with this pid file: {@code gatehouse.reload} in the same directory. */
    Path statusFile() {
        Path parent = path.toAbsolutePath().getParent();
        return parent.resolve(ReloadStatusFile.FILE_NAME);
    }

    /**
     * Where the pid file of the configuration in {@code conf} is: {@code --pid} when given, else
     * {@code gatehouse.pid} in its {@code [log] dir}. The {@code [log]} section is read on its own, so
     * that a directory broken elsewhere (the case {@code gatehouse reload} must report) still names it.
     */
    static PidFile of(Path conf, Map<String, String> env, Optional<Path> pid) {
        return of(conf, env, pid, null);
    }

    /** As {@link #of(Path, Map, Optional)}, with {@code conf} as the caller loaded it already (or null). */
    static PidFile of(Path conf, Map<String, String> env, Optional<Path> pid, LoadOutcome loaded) {
        return new PidFile(pid.orElseGet(() -> logDir(conf, env, loaded).resolve(FILE_NAME)));
    }

    /**
     * The {@code [log] dir} of {@code conf}: the loader's when the directory loads; otherwise (a broken
     * directory) the {@code dir} line of the first {@code [log]} section in load order, read alone.
     */
    static Path logDir(Path conf, Map<String, String> env, LoadOutcome alreadyLoaded) {
        LoadOutcome loaded = alreadyLoaded != null ? alreadyLoaded : ConfLoader.load(conf, env);
        if (loaded.config().isPresent()) {
            return loaded.config().get().log().dir();
        }
        EnvSubstitution substitution = new EnvSubstitution(env);
        for (ConfFile file : ConfDirectory.list(conf, (pos, message) -> { })) {
            Optional<byte[]> bytes = ConfDirectory.read(file, ConfLoader.MAX_FILE_BYTES, (pos, message) -> { });
            if (bytes.isEmpty()) {
                continue;
            }
            for (IniSection section : IniReader.read(file.displayName(), bytes.get(), (pos, message) -> { }).sections()) {
                if (!section.lowerName().equals("log")) {
                    continue;
                }
                for (IniLine line : section.lines()) {
                    int eq = line.text().indexOf('=');
                    if (eq > 0 && line.text().substring(0, eq).strip().equalsIgnoreCase("dir")) {
                        String value = substitution.apply(line.text().substring(eq + 1).strip(), line.pos(),
                                (pos, message) -> { });
                        try {
                            return value == null || value.isEmpty() ? LogSpec.defaults().dir() : Path.of(value);
                        } catch (InvalidPathException e) {
                            break;
                        }
                    }
                }
                return LogSpec.defaults().dir();
            }
        }
        return LogSpec.defaults().dir();
    }

    /** The process id written in the file, if there is a file with a number in it. */
    OptionalLong read() {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,19}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The live Gatehouse process the file names, other than this one, if any. */
    Optional<ProcessHandle> running() {
        OptionalLong pid = read();
        if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive).filter(PidFile::mayBeGatehouse);
    }

    /** A process whose command line is unknown (another user's) counts as Gatehouse: better refuse than run twice. */
    private static boolean mayBeGatehouse(ProcessHandle p) {
        return p.info().commandLine().map(c -> c.toLowerCase(Locale.ROOT).contains("gatehouse")).orElse(true);
    }

    /** Writes this process's id (atomically: a reader never sees half a number). */
    void write() throws IOException {
        Path absolute = path.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        writeAtomically(absolute, ProcessHandle.current().pid() + "\n");
    }

    /** Removes the file if it still names this process (a clean stop). */
    void remove() {
        if (read().orElse(-1) == ProcessHandle.current().pid()) {
            try {
                Files.deleteIfExists(path);
                Files.deleteIfExists(statusFile());
            } catch (IOException e) {
                // left behind: the next start sees that no live process owns it
            }
        }
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}
