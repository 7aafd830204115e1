package io.gatehouse.config.bind;

import io.gatehouse.config.model.LogSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** Binds the global {@code [log]} section: where the request log goes and how much of it is kept. */
final class LogSectionBinder {
    public static final List<String> KEYS = List.of("dir", "ring_size", "retain_days");

    private LogSectionBinder() {
    }

    public static LogSpec bind(IniSection section, EnvSubstitution env, Problems problems) {
        LogSpec d = LogSpec.defaults();
        KeyValues kv = new KeyValues(section, "[log]", KEYS, env, problems);
        Path dir = kv.parse("dir", d.dir(), "a directory path", value -> {
            if (value.isEmpty()) {
                throw new BadValueException("a directory path");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new BadValueException("a directory path");
            }
        });
        return new LogSpec(section.pos(), dir,
                kv.integer("ring_size", 1, 1_000_000, d.ringSize()),
                kv.integer("retain_days", 0, Integer.MAX_VALUE, d.retainDays()));
    }
}
