package io.gatehouse.config.source;

import java.util.List;
import java.util.Objects;

/**
 * One {@code *.conf} file as scanned: its sections in file order, each line with its position.
 *
 * @param file the file as the operator would name it ({@code conf.d/site.conf})
 */
public record IniFile(String file, List<IniSection> sections) {
    public IniFile {
        Objects.requireNonNull(file, "file");
        sections = List.copyOf(sections);
    }

    /** The position of the whole file (printed as just its name). */
    public SourcePos pos() {
        return SourcePos.ofFile(file);
    }
}
