package io.gatehouse.config.source;

import java.util.Objects;

/**
 * One meaningful line of a section: trimmed, comments removed, never empty.
 *
 * @param pos  the file and 1-based line it was read from
 * @param text the line without leading and trailing whitespace and without its comment
 */
public record IniLine(SourcePos pos, String text) {
    public IniLine {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(text, "text");
    }
}
