package io.gatehouse.view;

import io.gatehouse.runtime.ReloadOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the configuration stands, as the console and {@code /api/config} show it.
 *
 * @param directory  the configuration directory, as given on the command line
 * @param generation the generation in service (1 for the configuration loaded at start)
 * @param loadedAt   when the generation in service was put in place
 * @param files      the {@code *.conf} files it was loaded from, in load order, with their SHA-256
 * @param lastReload the last reload attempt (applied or refused), if any since start
 */
public record ConfigStatus(String directory, long generation, Instant loadedAt, List<ConfigFile> files,
                           Optional<ReloadOutcome> lastReload) {
    public ConfigStatus {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(loadedAt, "loadedAt");
        files = List.copyOf(files);
        Objects.requireNonNull(lastReload, "lastReload");
    }

    /**
     * One configuration file.
     *
     * @param name   its name within the directory ({@code 10-app.conf})
     * @param sha256 the SHA-256 of its bytes, lower-case hex
     * @param size   its size in bytes
     */
    public record ConfigFile(String name, String sha256, long size) {
        public ConfigFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sha256, "sha256");
        }
    }
}
