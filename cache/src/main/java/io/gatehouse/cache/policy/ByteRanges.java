package io.gatehouse.cache.policy;

import java.util.List;
import java.util.Locale;

/**
 * Answering a client's {@code Range} from a stored response (RFC 9110 §14): which part of the stored
 * body to send, as nginx's range filter does for a cached answer.
 *
 * <ul>
 *   <li>Only a GET for a stored 200 is answered in part; for anything else the header is ignored.</li>
 *   <li>One range ({@code bytes=0-99}, {@code bytes=100-}, {@code bytes=-100}) that overlaps the body is
 *       a 206 of that part (its end cut at the body's); one that does not ({@code bytes=1000-} of a
 *       1000-byte body, {@code bytes=-0}) is a 416.</li>
 *   <li>Several ranges: a 416 when none overlaps the body, else the whole body (§14.2 lets a server
 *       ignore {@code Range}; nginx would send {@code multipart/byteranges}).</li>
 *   <li>Another unit, or a header that is not a valid {@code ranges-specifier} ({@code bytes=5-1},
 *       {@code bytes=a-}), is ignored (§14.2): the whole body.</li>
 *   <li>{@code If-Range} (§13.1.5): the range is answered only when it names the stored response, by a
 *       strong entity tag equal to the stored {@code ETag} or by a date equal to the stored
 *       {@code Last-Modified}; otherwise, or when it is malformed, the whole body.</li>
 * </ul>
 */
public final class ByteRanges {
    /** The digits a position may have: more is a number this cache cannot hold, taken as "past any body". */
    private static final int MAX_DIGITS = 18;

    /** What to answer a {@code Range}. */
    public sealed interface Answer permits Whole, Part, Unsatisfiable {
    }

    /** The whole stored response, as without {@code Range}. */
    public record Whole() implements Answer {
    }

    /** A 206 of the bytes {@code first} to {@code last} (both included) of a body of {@code length} bytes. */
    public record Part(long first, long last, long length) implements Answer {
        /** How many bytes the part has. */
        public long size() {
            return last - first + 1;
        }

        /** The {@code Content-Range} value: {@code bytes first-last/length}. */
        public String contentRange() {
            return "bytes " + first + "-" + last + "/" + length;
        }
    }

    /** A 416: no range overlaps a body of {@code length} bytes. */
    public record Unsatisfiable(long length) implements Answer {
        /** The {@code Content-Range} value: {@code bytes *}/{@code length}. */
        public String contentRange() {
            return "bytes */" + length;
        }
    }

    private static final Whole WHOLE = new Whole();

    private ByteRanges() {
    }

    /**
     * The answer to {@code request}'s {@code Range} and {@code If-Range} from a stored response whose body
     * has {@code length} bytes.
     */
    public static Answer evaluate(String method, Fields request, StoredHead entry, long length) {
        if (!"GET".equals(method) || entry.status() != 200) {
            return WHOLE;
        }
        List<String> range = request.all("Range");
        if (range.size() != 1) {
            return WHOLE; // none, or several lines: not one ranges-specifier
        }
        List<String> ifRange = request.all("If-Range");
        if (!ifRange.isEmpty() && (ifRange.size() != 1 || !names(ifRange.get(0), entry.headers()))) {
            return WHOLE;
        }
        return select(range.get(0), length);
    }

    /** Whether an {@code If-Range} value names the stored response (§13.1.5). */
    static boolean names(String ifRange, Fields stored) {
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            EntityTag tag = EntityTag.parse(v);
            EntityTag current = EntityTag.parse(stored.first("ETag"));
            return tag != null && current != null && tag.strongMatch(current);
        }
        long date = HttpDates.parse(v);
        return date != HttpDates.ABSENT && date == HttpDates.parse(stored.first("Last-Modified"));
    }

    /** The answer to a {@code Range} value for a body of {@code length} bytes. */
    public static Answer select(String value, long length) {
        int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return WHOLE;
        }
        Part only = null;
        int specs = 0;
        int satisfiable = 0;
        for (String element : value.substring(eq + 1).split(",", -1)) {
            String spec = element.strip();
            if (spec.isEmpty()) {
                continue; // an empty list element (RFC 9110 §5.6.1)
            }
            specs++;
            long[] r = parse(spec, length);
            if (r == null) {
                return WHOLE;
            }
            if (r.length == 2) {
                satisfiable++;
                only = new Part(r[0], r[1], length);
            }
        }
        if (specs == 0) {
            return WHOLE;
        }
        if (satisfiable == 0) {
            return new Unsatisfiable(length);
        }
        return specs == 1 ? only : WHOLE;
    }

    /**
     * One range-spec against a body of {@code length} bytes: {first, last} when it overlaps the body, an
     * empty array when it does not, null when it is not a valid range-spec.
     */
    private static long[] parse(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String from = spec.substring(0, dash);
        String to = spec.substring(dash + 1);
        if (from.isEmpty()) {
            long suffix = number(to);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || length == 0) {
                return new long[0];
            }
            return new long[] {Math.max(0, length - suffix), length - 1};
        }
        long first = number(from);
        long last = to.isEmpty() ? Long.MAX_VALUE : number(to);
        if (first < 0 || last < 0 || last < first) {
            return null;
        }
        if (first >= length) {
            return new long[0];
        }
        return new long[] {first, Math.min(last, length - 1)};
    }

    /** Decimal digits as a number ({@code Long.MAX_VALUE} past {@link #MAX_DIGITS} digits), or -1 when not digits. */
    private static long number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long n = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (n > 0 || c != '0') {
                digits++;
            }
            n = digits > MAX_DIGITS ? Long.MAX_VALUE : n * 10 + (c - '0');
        }
        return n;
    }
}
