package io.gatehouse.cache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The header fields kept with a stored answer: name/value pairs in the order the member sent them.
 *
 * <p>Immutable. Names are compared without regard to case; values are kept as given, never split on
 * commas. This is the store's own small form; the cache stage adapts it to the policy's field view.
 */
public final class StoredFields {

    private static final StoredFields EMPTY = new StoredFields(new String[0]);

    /** Alternating name, value, name, value... */
    private final String[] nameValue;

    private StoredFields(String[] nameValue) {
        this.nameValue = nameValue;
    }

    /** The pairs in order; neither a name nor a value may be null. */
    public StoredFields(List<Map.Entry<String, String>> pairs) {
        this(flatten(pairs));
    }

    /** {@code of("Content-Type", "text/plain", "ETag", "\"1\"")}: names and values alternating. */
    public static StoredFields of(String... nameValue) {
        if (nameValue.length % 2 != 0) {
            throw new IllegalArgumentException("nameValue: " + nameValue.length + " strings (expected: name/value pairs)");
        }
        if (nameValue.length == 0) {
            return EMPTY;
        }
        String[] copy = nameValue.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], i % 2 == 0 ? "name" : "value");
        }
        return new StoredFields(copy);
    }

    private static String[] flatten(List<Map.Entry<String, String>> pairs) {
        String[] out = new String[pairs.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> p : pairs) {
            out[i++] = Objects.requireNonNull(p.getKey(), "name");
            out[i++] = Objects.requireNonNull(p.getValue(), "value");
        }
        return out;
    }

    /** How many pairs. */
    public int size() {
        return nameValue.length / 2;
    }

    /** The name of pair {@code i}, as sent. */
    public String name(int i) {
        return nameValue[2 * checkIndex(i)];
    }

    /** The value of pair {@code i}. */
    public String value(int i) {
        return nameValue[2 * checkIndex(i) + 1];
    }

    private int checkIndex(int i) {
        return Objects.checkIndex(i, size());
    }

    /** Every value of the field, in order; empty when absent. */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < nameValue.length; i += 2) {
            if (nameValue[i].equalsIgnoreCase(name)) {
                out.add(nameValue[i + 1]);
            }
        }
        return out;
    }

    /** The first value of the field, or null. */
    public String first(String name) {
        for (int i = 0; i < nameValue.length; i += 2) {
            if (nameValue[i].equalsIgnoreCase(name)) {
                return nameValue[i + 1];
            }
        }
        return null;
    }

    /** The pairs as entries, in order (a new list each call). */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>(size());
        for (int i = 0; i < nameValue.length; i += 2) {
            out.add(Map.entry(nameValue[i], nameValue[i + 1]));
        }
        return out;
    }

    /** Roughly what the pairs hold on the heap: the characters plus the fixed cost of each string. */
    long heapBytes() {
        long bytes = 16L + 8L * nameValue.length;
        for (String s : nameValue) {
            bytes += StoredResponse.stringHeapBytes(s);
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredFields && java.util.Arrays.equals(nameValue, ((StoredFields) o).nameValue);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(nameValue);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("StoredFields[");
        for (int i = 0; i < nameValue.length; i += 2) {
            b.append(i == 0 ? "" : ", ").append(nameValue[i]).append(": ").append(nameValue[i + 1]);
        }
        return b.append(']').toString();
    }
}
