package io.gatehouse.cache.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The header fields a stored entry keeps: an immutable ordered list of (name, value) pairs with
 * case-insensitive lookup.
 *
 * <p>Order is kept exactly as added, also between different names. {@link #with} and {@link #without}
 * return copies; the receiver never changes. Names must be non-empty; names and values non-null.
 * Nothing else is checked here: the adapter that builds a list from a request or a response already
 * holds valid fields.
 */
public final class FieldList implements Fields {
    private static final FieldList EMPTY = new FieldList(new String[0]);

    /** name0, value0, name1, value1, ... */
    private final String[] pairs;

    private FieldList(String[] pairs) {
        this.pairs = pairs;
    }

    /** No fields. */
    public static FieldList empty() {
        return EMPTY;
    }

    /** Fields from alternating names and values: {@code of("Cache-Control", "max-age=60", "ETag", "\"a\"")}. */
    public static FieldList of(String... nameValue) {
        if (nameValue.length % 2 != 0) {
            throw new IllegalArgumentException("nameValue: " + nameValue.length + " strings (expected: name, value pairs)");
        }
        Builder b = builder();
        for (int i = 0; i < nameValue.length; i += 2) {
            b.add(nameValue[i], nameValue[i + 1]);
        }
        return b.build();
    }

    /**
     * A copy of any {@link Fields}. A {@code FieldList} is returned as it is; other sources are copied name by
     * name ({@link Fields#names()} order), since {@code Fields} does not tell how different names interleave.
     */
    public static FieldList copyOf(Fields fields) {
        if (fields instanceof FieldList) {
            return (FieldList) fields;
        }
        return builder().addAll(fields).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How many (name, value) pairs. */
    public int size() {
        return pairs.length / 2;
    }

    /** The name of the i-th pair, as added. */
    public String name(int i) {
        Objects.checkIndex(i, size());
        return pairs[2 * i];
    }

    /** The value of the i-th pair. */
    public String value(int i) {
        Objects.checkIndex(i, size());
        return pairs[2 * i + 1];
    }

    /** Every pair, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    @Override
    public List<String> all(String name) {
        List<String> found = null;
        String single = null;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equalsIgnoreCase(name)) {
                if (single == null) {
                    single = pairs[i + 1];
                } else {
                    if (found == null) {
                        found = new ArrayList<>(4);
                        found.add(single);
                    }
                    found.add(pairs[i + 1]);
                }
            }
        }
        if (found != null) {
            return List.copyOf(found);
        }
        return single == null ? List.of() : List.of(single);
    }

    @Override
    public String first(String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equalsIgnoreCase(name)) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean has(String name) {
        return first(name) != null;
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>(size());
        for (int i = 0; i < pairs.length; i += 2) {
            if (!containsIgnoreCase(names, pairs[i])) {
                names.add(pairs[i]);
            }
        }
        return List.copyOf(names);
    }

    /** A copy where the field has exactly this one value, at its first place (or appended when absent). */
    public FieldList with(String name, String value) {
        return with(name, List.of(value));
    }

    /**
     * A copy where the field has exactly these values, at the place of its first line (or appended when
     * absent); its other lines are removed. An empty list removes the field.
     */
    public FieldList with(String name, List<String> values) {
        Builder b = builder();
        boolean placed = false;
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i].equalsIgnoreCase(name)) {
                b.add(pairs[i], pairs[i + 1]);
            } else if (!placed) {
                placed = true;
                values.forEach(v -> b.add(name, v));
            }
        }
        if (!placed) {
            values.forEach(v -> b.add(name, v));
        }
        return b.build();
    }

    /** A copy without any line of these fields (names compared case-insensitively). */
    public FieldList without(String... names) {
        return without(Arrays.asList(names));
    }

    /** A copy without any line of these fields (names compared case-insensitively); this list when none is present. */
    public FieldList without(Collection<String> names) {
        Builder b = null;
        for (int i = 0; i < pairs.length; i += 2) {
            boolean drop = containsIgnoreCase(names, pairs[i]);
            if (drop && b == null) {
                b = builder();
                for (int j = 0; j < i; j += 2) {
                    b.add(pairs[j], pairs[j + 1]);
                }
            } else if (!drop && b != null) {
                b.add(pairs[i], pairs[i + 1]);
            }
        }
        return b == null ? this : b.build();
    }

    private static boolean containsIgnoreCase(Collection<String> names, String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Equal when the same pairs are in the same order; names compare case-insensitively, values exactly. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FieldList)) {
            return false;
        }
        String[] other = ((FieldList) o).pairs;
        if (other.length != pairs.length) {
            return false;
        }
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i].equalsIgnoreCase(other[i]) || !pairs[i + 1].equals(other[i + 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < pairs.length; i += 2) {
            h = 31 * h + pairs[i].toLowerCase(Locale.ROOT).hashCode();
            h = 31 * h + pairs[i + 1].hashCode();
        }
        return h;
    }

    /** {@code {Name: value, Name: value}}, for logs and test failures. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(pairs[i]).append(": ").append(pairs[i + 1]);
        }
        return s.append('}').toString();
    }

    /** Collects pairs in order; {@link #build()} may be called more than once. */
    public static final class Builder {
        private String[] pairs = new String[16];
        private int length;

        private Builder() {
        }

        public Builder add(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name: empty (expected: a field name)");
            }
            if (length == pairs.length) {
                pairs = Arrays.copyOf(pairs, length * 2);
            }
            pairs[length++] = name;
            pairs[length++] = value;
            return this;
        }

        /** Adds every line of {@code fields}, name by name. */
        public Builder addAll(Fields fields) {
            if (fields instanceof FieldList) {
                ((FieldList) fields).forEach(this::add);
            } else {
                for (String name : fields.names()) {
                    for (String value : fields.all(name)) {
                        add(name, value);
                    }
                }
            }
            return this;
        }

        public FieldList build() {
            return length == 0 ? EMPTY : new FieldList(Arrays.copyOf(pairs, length));
        }
    }
}
