package io.gatehouse.config.bind;

import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniLine;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.configuration2.convert.PropertyConverter;
import org.apache.commons.configuration2.ex.ConversionException;

/**
 * The {@code key = value} lines of one section, checked once and read with typed getters. Each line is
 * split at its first {@code =} (a {@code :} is part of the value, unlike Commons Configuration's
 * reader); keys are matched case-insensitively; variables in values are substituted. An unknown key,
 * a key written twice or a line without {@code =} is reported at its line. A getter whose value does
 * not parse reports {@code [section] key must be EXPECTED, got VALUE} and returns the default, so a
 * binder always carries on.
 */
final class KeyValues {
    /** One {@code key = value} line, the key lower-cased and the value substituted and trimmed. */
    public record Entry(SourcePos pos, String key, String value) {
    }

    private static final String DIRECTORY = "a directory path";

    private final String label;
    private final SourcePos sectionPos;
    private final Problems problems;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Keys whose value was refused (an error was reported for them). */
    private final Set<String> refused = new HashSet<>();

    /**
     * @param label the section as messages name it ({@code [server]}, {@code [@api]})
     * @param keys  the keys this section knows, lower-case, in the order the docs list them
     */
    KeyValues(IniSection section, String label, List<String> keys, EnvSubstitution env, Problems problems) {
        this.label = label;
        this.sectionPos = section.pos();
        this.problems = problems;
        for (IniLine line : section.lines()) {
            String text = line.text();
            int eq = text.indexOf('=');
            String key = eq < 0 ? "" : text.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                problems.error(line.pos(), label + " expected key = value, got " + Shown.of(text));
                continue;
            }
            if (!keys.contains(key)) {
                problems.error(line.pos(), label + " unknown key " + Shown.of(key) + "; known keys: "
                        + String.join(", ", keys));
                continue;
            }
            Entry first = entries.get(key);
            if (first != null) {
                problems.error(line.pos(), label + " duplicate key " + key + " (first at " + first.pos() + ")");
                continue;
            }
            String value = env.apply(text.substring(eq + 1).strip(), line.pos(), problems::substitutionError);
            entries.put(key, new Entry(line.pos(), key, value));
        }
    }

    /** The section header's position. */
    public SourcePos sectionPos() {
        return sectionPos;
    }

    public String label() {
        return label;
    }

    public Optional<Entry> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The line of {@code key}, or the section header when the key is absent. */
    public SourcePos posOf(String key) {
        Entry e = entries.get(key);
        return e == null ? sectionPos : e.pos();
    }

    /** Where each written key is, for checks made after binding. */
    public KeyPositions positions() {
        Map<String, SourcePos> lines = new HashMap<>();
        entries.forEach((key, entry) -> lines.put(key, entry.pos()));
        return new KeyPositions(sectionPos, lines);
    }

    /** True when {@code key} is written in the section and its value was not refused. */
    public boolean given(String key) {
        return entries.containsKey(key) && !refused.contains(key);
    }

    public void error(String key, String message) {
        refused.add(key);
        problems.error(posOf(key), label + " " + message);
    }

    public void warning(String key, String message) {
        problems.warning(posOf(key), label + " " + message);
    }

    public String string(String key, String dflt) {
        Entry e = entries.get(key);
        return e == null ? dflt : e.value();
    }

    /** A comma-separated list, each item trimmed; empty when absent or blank. */
    public List<String> list(String key) {
        Entry e = entries.get(key);
        List<String> out = new ArrayList<>();
        if (e == null || e.value().isBlank()) {
            return out;
        }
        for (String item : e.value().split(",", -1)) {
            if (item.isBlank()) {
                error(key, key + " has an empty entry in " + Shown.of(e.value()));
            } else {
                out.add(item.strip());
            }
        }
        return out;
    }

    /**
     * {@code yes}/{@code no}, {@code on}/{@code off}, {@code true}/{@code false} (any case, read by
     * Commons Configuration's {@code PropertyConverter}), and {@code 1}/{@code 0} as Python's configparser.
     */
    public boolean bool(String key, boolean dflt) {
        return parse(key, dflt, "yes or no", value -> {
            if (value.equals("1") || value.equals("0")) {
                return value.equals("1");
            }
            try {
                return PropertyConverter.toBoolean(value);
            } catch (ConversionException e) {
                throw new BadValueException("yes or no");
            }
        });
    }

    /** A whole number in {@code min..max}. */
    public int integer(String key, int min, int max, int dflt) {
        return (int) longInRange(key, min, max, dflt);
    }

    /** A whole number in {@code min..max}. */
    public long longInRange(String key, long min, long max, long dflt) {
        // the words of the refusal are made only for a refusal: a start binds dozens of numbers
        return parse(key, dflt, null, value -> {
            if (!wholeNumber(value)) {
                throw new BadValueException(range(min, max));
            }
            long n = Long.parseLong(value);
            if (n < min || n > max) {
                throw new BadValueException(range(min, max));
            }
            return n;
        });
    }

    private static String range(long min, long max) {
        return max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "a whole number >= " + min : min + ".." + max;
    }

    /** {@code -?[0-9]{1,18}}: a whole number that fits a long whatever its digits. */
    static boolean wholeNumber(String value) {
        int start = value.startsWith("-") ? 1 : 0;
        int digits = value.length() - start;
        if (digits < 1 || digits > 18) {
            return false;
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** A duration ({@link Durations}) of at least {@code min}. */
    public Duration duration(String key, Duration min, Duration dflt) {
        Duration d = parse(key, dflt, Durations.EXPECTED, Durations::parse);
        if (d.compareTo(min) < 0) {
            String bound = min.equals(Duration.ofMillis(1)) ? "more than 0" : "at least " + Durations.format(min);
            error(key, key + " must be " + bound + ", got " + got(string(key, "")));
            return dflt;
        }
        return d;
    }

    /** A size in bytes ({@link Sizes}) in {@code min..max} ({@code max} {@link Long#MAX_VALUE}: no upper bound). */
    public long size(String key, long min, long max, long dflt) {
        long n = parse(key, dflt, Sizes.EXPECTED, Sizes::parse);
        if (n < min || n > max) {
            String range = max == Long.MAX_VALUE ? "at least " + (min == 1 ? "1 byte" : Sizes.format(min))
                    : Sizes.format(min) + ".." + Sizes.format(max);
            error(key, key + " must be " + range + ", got " + got(string(key, "")));
            return dflt;
        }
        return n;
    }

    /** A directory path as written, not resolved (a relative one is relative to the working directory). */
    public Path directory(String key, Path dflt) {
        return parse(key, dflt, DIRECTORY, value -> {
            if (value.isEmpty()) {
                throw new BadValueException(DIRECTORY);
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new BadValueException(DIRECTORY);
            }
        });
    }

    /**
     * The value of {@code key} through {@code parser}, or {@code dflt} when absent; a value the parser
     * refuses is reported as {@code [section] key must be EXPECTED, got VALUE} and gives {@code dflt}.
     */
    public <T> T parse(String key, T dflt, String expected, Function<String, T> parser) {
        Entry e = entries.get(key);
        if (e == null) {
            return dflt;
        }
        try {
            return parser.apply(e.value());
        } catch (BadValueException ex) {
            String what = ex.getMessage() == null ? expected : ex.getMessage();
            refused.add(key);
            problems.error(e.pos(), label + " " + key + " must be " + what + ", got " + got(e.value()));
            return dflt;
        }
    }

    /** A value in a message: a plain integer as is, anything else quoted. */
    static String got(String value) {
        return wholeNumber(value) ? value : Shown.of(value);
    }
}
