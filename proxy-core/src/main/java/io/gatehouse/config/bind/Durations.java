package io.gatehouse.config.bind;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time values, with one unit table for every key (HAProxy §2.5): a plain integer is seconds, as in
 * Skitai ({@code keep_alive = 10}); otherwise an integer followed by {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 500ms}, {@code 2m}). No fractions, no signs, no spaces inside.
 */
public final class Durations {
    /** What a duration looks like, for messages. */
    public static final String EXPECTED = "a whole number of seconds, or of ms, s, m, h or d (e.g. 30, 500ms, 2m)";

    private static final Pattern FORM = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)?");

    private Durations() {
    }

    /** Parses {@code 30}, {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 7d}. */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new BadValueException(EXPECTED);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new BadValueException(EXPECTED);
        };
    }

    /** A duration as an operator would write it back: {@code 30s}, {@code 500ms}, {@code 2m}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
