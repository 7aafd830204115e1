package io.gatehouse.config.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A set of HTTP status codes written as ranges and single codes: {@code 200-399}, {@code 200, 301-302}.
 *
 * @param ranges inclusive ranges, each within 100..599
 */
public record StatusRanges(List<Range> ranges) {
    /** One inclusive range; a single code is a range of one. */
    public record Range(int low, int high) {
        public Range {
            if (low < 100 || high > 599 || low > high) {
                throw new IllegalArgumentException("status range " + low + "-" + high + " (expected: within 100..599)");
            }
        }

        @Override
        public String toString() {
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
    }

    /** {@code health_status}'s default: any answer but a client or server error, as HAProxy's check. */
    public static final StatusRanges OK_OR_REDIRECT = new StatusRanges(List.of(new Range(200, 399)));
    /** The empty set ({@code fail_on}'s default: no answer counts as a failure). */
    public static final StatusRanges NONE = new StatusRanges(List.of());

    public StatusRanges {
        ranges = List.copyOf(ranges);
    }

    public boolean contains(int status) {
        for (Range r : ranges) {
            if (status >= r.low && status <= r.high) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    @Override
    public String toString() {
        return ranges.stream().map(Range::toString).collect(Collectors.joining(", "));
    }
}
