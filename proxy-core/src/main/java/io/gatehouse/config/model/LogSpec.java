package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The global {@code [log]} section: the request log and the error log, both in {@code dir}.
 *
 * @param pos         the section header, or {@code (defaults)} when there is no {@code [log]} section
 * @param dir         {@code dir}: where {@code request.log} and {@code error.log} are written (default
 *                    {@code logs}, relative to the working directory)
 * @param dirPos      where {@code dir} was written: its line, else {@code pos}
 * @param ringSize    {@code ring_size}: recent requests kept in memory for the console (default 1000)
 * @param retainDays  {@code retain_days}: rotated daily files kept, of each log (default 14; 0 keeps all)
 * @param errorLevel  {@code error_level}: the least severe line the error log keeps (default {@code info})
 * @param errorStderr {@code error_stderr}: the error log's lines are copied to standard error (default yes)
 */
public record LogSpec(SourcePos pos, Path dir, SourcePos dirPos, int ringSize, int retainDays, Level errorLevel,
                      boolean errorStderr) {
    /** The error log's levels, nginx's names for them, least severe first. */
    public enum Level {
        DEBUG, INFO, WARN, ERROR;

        /** The name as written in {@code error_level}. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the defaults are "written": a {@code [log]} section that is absent. */
    public static final SourcePos DEFAULTS_POS = SourcePos.ofFile("(defaults)");

    public LogSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(dirPos, "dirPos");
        Objects.requireNonNull(errorLevel, "errorLevel");
    }

    public static LogSpec defaults() {
        return new LogSpec(DEFAULTS_POS, Path.of("logs"), DEFAULTS_POS, 1000, 14, Level.INFO, true);
    }

    /** True when {@code dir} was not written in the configuration. */
    public boolean dirIsDefault() {
        return dirPos.equals(DEFAULTS_POS) || dirPos.equals(pos);
    }
}
