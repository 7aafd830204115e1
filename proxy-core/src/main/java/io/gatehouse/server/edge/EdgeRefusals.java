package io.gatehouse.server.edge;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests the edge refused, by reason: one counter per kind of framing the edge refuses
 * ({@code bare_lf}, {@code head_timeout}, {@code duplicate_content_length}, ...) and {@code other} for a
 * marker whose reason is none of them. {@link EdgeRejectionHandler} counts each refusal it answers; the
 * metrics read the counts. Counting takes no lock and allocates nothing.
 */
public final class EdgeRefusals {
    private static final FramingViolation[] KINDS = FramingViolation.values();
    private static final Map<String, Integer> BY_REASON;
    private static final List<String> KEYS;

    static {
        Map<String, Integer> byReason = new HashMap<>();
        String[] keys = new String[KINDS.length + 1];
        for (FramingViolation v : KINDS) {
            byReason.put(v.reason(), v.ordinal());
            keys[v.ordinal()] = v.name().toLowerCase(Locale.ROOT);
        }
        keys[KINDS.length] = "other";
        BY_REASON = Map.copyOf(byReason);
        KEYS = List.of(keys);
    }

    private final LongAdder[] counts = new LongAdder[KINDS.length + 1];

    public EdgeRefusals() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** The reasons counted, as stable lower-case keys, {@code other} last. */
    public static List<String> keys() {
        return KEYS;
    }

    /** Counts one refusal whose marker gave {@code reason} (as {@link Marker#reason} reads it). */
    void refused(String reason) {
        Integer i = BY_REASON.get(reason);
        counts[i == null ? KINDS.length : i].increment();
    }

    /** Refusals for {@code key} (one of {@link #keys()}) since start; 0 for an unknown key. */
    public long count(String key) {
        int i = KEYS.indexOf(key);
        return i < 0 ? 0 : counts[i].sum();
    }

    /** Every reason with its count, in {@link #keys()} order. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            out.put(KEYS.get(i), counts[i].sum());
        }
        return Collections.unmodifiableMap(out);
    }

    /** Refusals of every reason since start. */
    public long total() {
        long sum = 0;
        for (LongAdder c : counts) {
            sum += c.sum();
        }
        return sum;
    }
}
