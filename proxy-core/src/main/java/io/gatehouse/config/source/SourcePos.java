package io.gatehouse.config.source;

import java.util.Objects;

/**
 * Where a configuration value came from: the file as the operator named it and the 1-based line.
 * Printed as {@code conf.d/site.conf:12}, the prefix of every configuration message.
 */
public record SourcePos(String file, int line) {
    public SourcePos {
        Objects.requireNonNull(file, "file");
        if (line < 0) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 0)");
        }
    }

    /** A position for a whole file (line 0 prints as just the file name). */
    public static SourcePos ofFile(String file) {
        return new SourcePos(file, 0);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line;
    }
}
