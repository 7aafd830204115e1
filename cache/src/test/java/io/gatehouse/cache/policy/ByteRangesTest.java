package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.T0;
import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.gatehouse.cache.policy.ByteRanges.Part;
import io.gatehouse.cache.policy.ByteRanges.Unsatisfiable;
import io.gatehouse.cache.policy.ByteRanges.Whole;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ByteRangesTest {
    private static final long LENGTH = 1000;
    private static final FieldList TAGGED = h("Date: " + at(0), "ETag: \"v1\"", "Last-Modified: " + at(-1000));
    private static final ByteRanges.Answer WHOLE = new Whole();

    /** Each row: rule, Range value, answer for a body of {@link #LENGTH} bytes. */
    static Stream<Arguments> ranges() {
        return Stream.of(
                arguments("RFC 9110 §14.1.2 first to last", "bytes=0-99", new Part(0, 99, LENGTH)),
                arguments("§14.1.2 one byte", "bytes=10-10", new Part(10, 10, LENGTH)),
                arguments("§14.1.2 from a position to the end", "bytes=990-", new Part(990, 999, LENGTH)),
                arguments("§14.1.2 a last position past the end is cut", "bytes=900-5000", new Part(900, 999, LENGTH)),
                arguments("§14.1.2 the last bytes", "bytes=-10", new Part(990, 999, LENGTH)),
                arguments("§14.1.2 more last bytes than there are", "bytes=-5000", new Part(0, 999, LENGTH)),
                arguments("§14.1.1 the unit is case-insensitive", "Bytes=0-0", new Part(0, 0, LENGTH)),
                arguments("§5.6.1 empty list elements", "bytes=, 0-9 ,", new Part(0, 9, LENGTH)),
                arguments("§14.1.2 a first position past the end", "bytes=1000-", new Unsatisfiable(LENGTH)),
                arguments("§14.1.2 no last bytes", "bytes=-0", new Unsatisfiable(LENGTH)),
                arguments("§14.1.2 a position with more digits than a long", "bytes=12345678901234567890-",
                        new Unsatisfiable(LENGTH)),
                arguments("leading zeros are only zeros", "bytes=0000000000000000000000000005-6", new Part(5, 6, LENGTH)),
                arguments("§14.2 none of several overlaps", "bytes=1000-1001, 2000-", new Unsatisfiable(LENGTH)),
                arguments("choice: several ranges get the whole body", "bytes=0-1, 5-6", WHOLE),
                arguments("choice: several ranges, one overlapping, get the whole body", "bytes=0-1, 2000-", WHOLE),
                arguments("§14.2 a last position before the first is invalid", "bytes=5-1", WHOLE),
                arguments("§14.2 not digits", "bytes=a-", WHOLE),
                arguments("§14.2 a negative position", "bytes=--5", WHOLE),
                arguments("§14.2 no dash", "bytes=5", WHOLE),
                arguments("§14.2 spaces inside a range", "bytes=0 - 9", WHOLE),
                arguments("§14.2 another unit", "items=0-1", WHOLE),
                arguments("§14.2 no unit", "0-1", WHOLE),
                arguments("§14.2 no range", "bytes=", WHOLE));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("ranges")
    void aRangeIsAnsweredInPartWholeOrAs416(String rule, String range, ByteRanges.Answer answer) {
        assertEquals(answer, ByteRanges.select(range, LENGTH));
    }

    /** Each row: rule, method, request fields, stored status, answer. */
    static Stream<Arguments> requests() {
        Part first = new Part(0, 9, LENGTH);
        return Stream.of(
                arguments("a GET for a stored 200", "GET", h("Range: bytes=0-9"), 200, first),
                arguments("§14.2 only GET: a HEAD gets the whole", "HEAD", h("Range: bytes=0-9"), 200, WHOLE),
                arguments("choice: only a stored 200 is answered in part", "GET", h("Range: bytes=0-9"), 404, WHOLE),
                arguments("two Range lines are no ranges-specifier", "GET", h("Range: bytes=0-9", "Range: bytes=0-9"), 200,
                        WHOLE),
                arguments("no Range", "GET", h("Accept: */*"), 200, WHOLE),
                arguments("§13.1.5 If-Range with the stored strong tag", "GET", h("Range: bytes=0-9", "If-Range: \"v1\""),
                        200, first),
                arguments("§13.1.5 If-Range with another tag", "GET", h("Range: bytes=0-9", "If-Range: \"v2\""), 200, WHOLE),
                arguments("§13.1.5 If-Range with a weak tag never matches", "GET",
                        h("Range: bytes=0-9", "If-Range: W/\"v1\""), 200, WHOLE),
                arguments("§13.1.5 If-Range with the stored Last-Modified", "GET",
                        h("Range: bytes=0-9", "If-Range: " + at(-1000)), 200, first),
                arguments("§13.1.5 If-Range with another date", "GET", h("Range: bytes=0-9", "If-Range: " + at(-999)), 200,
                        WHOLE),
                arguments("§13.1.5 a malformed If-Range", "GET", h("Range: bytes=0-9", "If-Range: yesterday"), 200, WHOLE),
                arguments("§13.1.5 an If-Range does not turn a 416 into a range", "GET",
                        h("Range: bytes=5000-", "If-Range: \"v2\""), 200, WHOLE),
                arguments("a 416 when If-Range names the stored answer", "GET",
                        h("Range: bytes=5000-", "If-Range: \"v1\""), 200, new Unsatisfiable(LENGTH)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void aRequestsRangeIsAnsweredFromTheStoredResponse(String rule, String method, FieldList request, int status,
            ByteRanges.Answer answer) {
        assertEquals(answer, ByteRanges.evaluate(method, request, StoredHead.of(status, TAGGED, T0, T0), LENGTH));
    }

    @Test
    void anIfRangeDateDoesNotNameAnAnswerWithoutLastModified() {
        FieldList untimed = h("Date: " + at(0), "ETag: \"v1\"");
        assertEquals(WHOLE, ByteRanges.evaluate("GET", h("Range: bytes=0-9", "If-Range: " + at(0)),
                StoredHead.of(200, untimed, T0, T0), LENGTH));
    }

    @Test
    void anEmptyBodyHasNoRangeToSend() {
        assertEquals(new Unsatisfiable(0), ByteRanges.select("bytes=0-", 0));
        assertEquals(new Unsatisfiable(0), ByteRanges.select("bytes=-5", 0));
    }

    @Test
    void thePartsFieldsSayWhatTheySend() {
        assertEquals("bytes 990-999/1000", new Part(990, 999, 1000).contentRange());
        assertEquals(10, new Part(990, 999, 1000).size());
        assertEquals("bytes */1000", new Unsatisfiable(1000).contentRange());
    }
}
