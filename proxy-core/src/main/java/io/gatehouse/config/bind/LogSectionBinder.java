package io.gatehouse.config.bind;

import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Binds the global {@code [log]} section: where the request log and the error log go, how much of them
 * is kept, how much the error log says ({@code error_level}, nginx's {@code error_log} level) and
 * whether it is copied to standard error ({@code error_stderr}).
 */
final class LogSectionBinder {
    public static final List<String> KEYS = List.of("dir", "ring_size", "retain_days", "error_level", "error_stderr");
    private static final String LEVELS = "debug, info, warn or error";

    private LogSectionBinder() {
    }

    public static LogSpec bind(IniSection section, EnvSubstitution env, Problems problems) {
        LogSpec d = LogSpec.defaults();
        KeyValues kv = new KeyValues(section, "[log]", KEYS, env, problems);
        Path dir = kv.directory("dir", d.dir());
        LogSpec.Level level = kv.parse("error_level", d.errorLevel(), LEVELS, value -> {
            for (LogSpec.Level l : LogSpec.Level.values()) {
                if (l.keyword().equals(value.toLowerCase(Locale.ROOT))) {
                    return l;
                }
            }
            throw new BadValueException(LEVELS);
        });
        LogSpec spec = new LogSpec(section.pos(), dir, kv.posOf("dir"),
                kv.integer("ring_size", 1, 1_000_000, d.ringSize()),
                kv.integer("retain_days", 0, Integer.MAX_VALUE, d.retainDays()),
                level, kv.bool("error_stderr", d.errorStderr()));
        return spec;
    }
}
