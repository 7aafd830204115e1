package io.gatehouse.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure rules behind {@link StaticFilesHandler}: ranges and entity-tag comparison. */
class StaticFileRulesTest {

    @ParameterizedTest(name = "{0} of {1} bytes -> {2}-{3}")
    @CsvSource({
            "bytes=0-0,     10, 0, 0",
            "bytes=0-9,     10, 0, 9",
            "bytes=2-,      10, 2, 9",
            "bytes=2-100,   10, 2, 9",
            "bytes=-3,      10, 7, 9",
            "bytes=-30,     10, 0, 9",
            "'bytes= 4 - 5 ', 10, 4, 5",
            "bytes=0-99999999999999999999999, 10, 0, 9",
    })
    void aSingleRangeIsResolvedAgainstTheSize(String header, long size, long first, long last) {
        ByteRange range = ByteRange.parse(header, size);
        assertEquals(first, range.first());
        assertEquals(last, range.last());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"bytes=0-1,3-4", "bytes=5-2", "bytes=", "bytes=-", "bytes=a-b", "bytes=1", "lines=0-1",
            "bytes=+1-2", "bytes=1--2"})
    void malformedOrMultipleRangesMeanTheWholeFile(String header) {
        assertNull(ByteRange.parse(header, 10));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"bytes=10-", "bytes=10-20", "bytes=-0"})
    void rangesBeyondTheEndAreUnsatisfiable(String header) {
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse(header, 10));
    }

    @ParameterizedTest(name = "[{0}] weak={1} strong={2}")
    @CsvSource(delimiter = '|', value = {
            "\"abc\"                 | true  | true",
            "W/\"abc\"               | true  | false",
            "\"x\", \"abc\"          | true  | true",
            "\"x\",W/\"abc\"         | true  | false",
            "*                       | true  | true",
            "\"abcd\"                | false | false",
            "\"ab\"                  | false | false",
            "\"a,b\", \"abc\"        | true  | true",
            "abc                     | false | false",
            "\"abc                   | false | false",
            "''                      | false | false",
    })
    void entityTagsCompareWeaklyOrStrongly(String header, boolean weak, boolean strong) {
        assertEquals(weak, EntityTags.matchesWeak(header, "\"abc\""));
        assertEquals(strong, EntityTags.matchesStrong(header, "\"abc\""));
    }

    @Test
    void unknownAndMissingExtensionsAreOctetStream() {
        assertEquals(MediaTypes.DEFAULT, MediaTypes.forFileName("archive.xyz"));
        assertEquals(MediaTypes.DEFAULT, MediaTypes.forFileName("Makefile"));
        assertEquals(MediaTypes.DEFAULT, MediaTypes.forFileName("trailing."));
        assertEquals("text/html; charset=utf-8", MediaTypes.forFileName("INDEX.HTML"));
    }
}
