package io.gatehouse.config.source;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code [name]} section of a file and its lines, in file order. Nothing is merged: a section that
 * appears twice in a file is two {@code IniSection}s, and a key written twice is two lines.
 *
 * @param pos   the line of the {@code [name]} header
 * @param name  the name between the brackets, trimmed, as written
 * @param lines the section's non-blank, non-comment lines
 */
public record IniSection(SourcePos pos, String name, List<IniLine> lines) {
    public IniSection {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(name, "name");
        lines = List.copyOf(lines);
    }

    /** The name lower-cased, for matching known sections case-insensitively. */
    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** True for Skitai's line sections ({@code [routes:line]}, {@code [crontab:line]}): no key = value. */
    public boolean isLineSection() {
        return lowerName().endsWith(":line");
    }
}
