package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;

/**
 * The global {@code [log]} section.
 *
 * @param dir          {@code dir}: where {@code request.log} is written (default {@code logs}, relative
 *                     to the working directory)
 * @param ringSize     {@code ring_size}: recent requests kept in memory for the console (default 1000)
 * @param retainDays   {@code retain_days}: rotated daily files kept (default 14; 0 keeps all)
 */
public record LogSpec(SourcePos pos, Path dir, int ringSize, int retainDays) {
    public static LogSpec defaults() {
        return new LogSpec(SourcePos.ofFile("(defaults)"), Path.of("logs"), 1000, 14);
    }
}
