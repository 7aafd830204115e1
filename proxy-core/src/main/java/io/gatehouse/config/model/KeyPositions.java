package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Map;
import java.util.Objects;

/**
 * Where each key of a section was written, so that a check made after binding (a certificate that does
 * not match its key, an address block that does not parse) can still name the key's {@code file:line}.
 *
 * @param section the section header (or the file, for a section that is not written)
 * @param keys    each written key, lower-case, to its line
 */
public record KeyPositions(SourcePos section, Map<String, SourcePos> keys) {
    public KeyPositions {
        Objects.requireNonNull(section, "section");
        keys = Map.copyOf(keys);
    }

    /** A section with no key written (or not written at all). */
    public static KeyPositions none(SourcePos section) {
        return new KeyPositions(section, Map.of());
    }

    /** The line of {@code key}, or the section header when it was not written. */
    public SourcePos of(String key) {
        return keys.getOrDefault(key, section);
    }

    /** True when {@code key} was written in the section. */
    public boolean written(String key) {
        return keys.containsKey(key);
    }
}
