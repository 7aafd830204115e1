package io.gatehouse.app;

import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.source.IoErrors;
import io.gatehouse.log.RequestLogSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The {@code [log] dir} at start: created if needed, and both logs opened for appending once, so that
 * a directory Gatehouse cannot write is one start-up error that says what is wrong, in words, at the
 * line that configured it (or, for the default, that it is the default and where it is).
 */
final class LogDirectory {
    private LogDirectory() {
    }

    static void prepare(LogSpec spec, Path confDir) throws StartFailure {
        Path dir = spec.dir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure(spec, confDir, "cannot create the directory: " + IoErrors.describe(e));
        }
        for (String name : List.of(RequestLogSink.FILE_NAME, ErrorLog.FILE_NAME)) {
            try (OutputStream ignored = Files.newOutputStream(dir.resolve(name), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                // it can be written
            } catch (IOException e) {
                throw failure(spec, confDir, "cannot write " + name + " there: " + IoErrors.describe(e));
            }
        }
    }

    /** {@code file:line: [log] dir X: why}, or for the default {@code conf.d: [log] dir logs (the default ...): why}. */
    static StartFailure failure(LogSpec spec, Path confDir, String why) {
        Path absolute = spec.dir().toAbsolutePath().normalize();
        String where = spec.dir().isAbsolute() ? spec.dir().toString() : spec.dir() + " (" + absolute + ")";
        if (spec.dirIsDefault()) {
            return new StartFailure(List.of(confDir + ": [log] dir " + spec.dir() + " (the default, in the working"
                    + " directory: " + absolute + "): " + why + "; set dir in a [log] section to log elsewhere"));
        }
        return new StartFailure(List.of(spec.dirPos() + ": [log] dir " + where + ": " + why));
    }
}
