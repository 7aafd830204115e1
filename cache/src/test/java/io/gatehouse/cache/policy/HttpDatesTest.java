package io.gatehouse.cache.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDatesTest {
    /** Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110 §5.6.7's example. */
    private static final long EXAMPLE = 784_111_777_000L;

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Sun, 06 Nov 1994 08:49:37 GMT      | 784111777000",  // §5.6.7 IMF-fixdate
            "Sunday, 06-Nov-94 08:49:37 GMT     | 784111777000",  // §5.6.7 obsolete RFC 850
            "Sun Nov  6 08:49:37 1994           | 784111777000",  // §5.6.7 asctime, day padded with a space
            "Sun Nov 16 08:49:37 1994           | 784975777000",  // asctime, two-digit day
            "sun, 06 nov 1994 08:49:37 gmt      | 784111777000",  // names read case-insensitively
            "'  Sun, 06 Nov 1994 08:49:37 GMT ' | 784111777000",  // surrounding whitespace
            "Thu, 01 Jan 1970 00:00:00 GMT      | 0",
            "Wed, 31 Dec 1969 23:59:59 GMT      | -1000",
            "Mon, 06 Nov 1994 08:49:37 GMT      | 784111777000",  // the weekday is not checked
            "Thu, 29 Feb 2024 12:00:00 GMT      | 1709208000000", // leap day
            "Wed, 31 Dec 2008 23:59:60 GMT      | 1230768000000", // leap second: the next second
            "Thursday, 01-Jan-70 00:00:00 GMT   | 0",             // RFC 850: 70..99 are 19xx
            "Saturday, 01-Jan-00 00:00:00 GMT   | 946684800000",  // RFC 850: 00..69 are 20xx
            "Sunday, 31-Dec-69 23:59:59 GMT     | 3155759999000",
    })
    void validDatesInEachFormReadAsEpochMillis(String value, long expected) {
        assertEquals(expected, HttpDates.parse(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "", "0", "-1", "now", "784111777",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 GMT+1",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT ",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, 06 Nov 199a 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Funday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
    })
    void anythingElseIsAbsent(String value) {
        assertEquals(HttpDates.ABSENT, HttpDates.parse(value));
    }

    @ParameterizedTest
    @NullSource
    void aMissingValueIsAbsent(String value) {
        assertEquals(HttpDates.ABSENT, HttpDates.parse(value));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "784111777000  | Sun, 06 Nov 1994 08:49:37 GMT",
            "784111777999  | Sun, 06 Nov 1994 08:49:37 GMT",
            "0             | Thu, 01 Jan 1970 00:00:00 GMT",
            "-1            | Wed, 31 Dec 1969 23:59:59 GMT",
            "1700000000000 | Tue, 14 Nov 2023 22:13:20 GMT",
    })
    void formattingWritesImfFixdateDroppingMilliseconds(long millis, String expected) {
        assertEquals(expected, HttpDates.format(millis));
    }

    @Test
    void aFormattedDateReadsBackToTheSameSecond() {
        for (long t = EXAMPLE; t < EXAMPLE + 400L * 86_400_000; t += 86_399_001L) {
            assertEquals(t / 1000 * 1000, HttpDates.parse(HttpDates.format(t)));
        }
    }
}
