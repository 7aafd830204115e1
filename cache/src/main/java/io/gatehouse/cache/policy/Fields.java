package io.gatehouse.cache.policy;

import java.util.List;

/**
 * Header fields as the cache sees them: case-insensitive names, values in order.
 *
 * <p>Values are the field lines as received: a line {@code Cache-Control: a, b} is one value, two
 * {@code Cache-Control} lines are two. {@link FieldElements} splits list-valued fields into elements.
 */
public interface Fields {
    /** Every value of the field, in order, split neither on commas nor anything else; empty list if absent. */
    List<String> all(String name);

    /** The first value of the field, or {@code null} when absent. */
    default String first(String name) {
        List<String> v = all(name);
        return v.isEmpty() ? null : v.get(0);
    }

    /** True when the field appears at least once (an empty value counts). */
    default boolean has(String name) {
        return !all(name).isEmpty();
    }

    /** Names present, in first-appearance order, original case. */
    List<String> names();
}
