package io.gatehouse.cache.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntityTagTest {

    /** RFC 9110 §8.8.3.2's table, row by row. */
    @ParameterizedTest(name = "{0} vs {1}: strong {2}, weak {3}")
    @CsvSource(delimiter = '|', value = {
            "W/\"1\" | W/\"1\" | false | true",
            "W/\"1\" | W/\"2\" | false | false",
            "W/\"1\" | \"1\"   | false | true",
            "\"1\"   | \"1\"   | true  | true",
    })
    void comparisonFollowsTheRfcTable(String a, String b, boolean strong, boolean weak) {
        EntityTag x = EntityTag.parse(a);
        EntityTag y = EntityTag.parse(b);
        assertEquals(strong, x.strongMatch(y));
        assertEquals(strong, y.strongMatch(x));
        assertEquals(weak, x.weakMatch(y));
        assertEquals(weak, y.weakMatch(x));
    }

    static Stream<Arguments> lists() {
        return Stream.of(
                arguments("two tags", "\"a\", W/\"b\"", List.of(new EntityTag(false, "a"), new EntityTag(true, "b"))),
                arguments("a comma inside a tag is part of it", "\"a,b\"", List.of(new EntityTag(false, "a,b"))),
                arguments("a backslash is an ordinary character", "\"a\\\"", List.of(new EntityTag(false, "a\\"))),
                arguments("empty elements and whitespace", " , \"a\" ,,\t", List.of(new EntityTag(false, "a"))),
                arguments("an empty opaque part", "\"\"", List.of(new EntityTag(false, ""))),
                arguments("an empty list", "", List.of()));
    }

    @ParameterizedTest(name = "{0}: [{1}]")
    @MethodSource("lists")
    void listsReadEveryTag(String rule, String value, List<EntityTag> expected) {
        assertEquals(expected, EntityTag.parseList(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"a", "\"a", "\"a\" \"b\"", "W/ \"a\"", "w/\"a\"", "\"a b\"", "\"a\"b", "*", "W/"})
    void aMalformedListIsRefusedWhole(String value) {
        assertNull(EntityTag.parseList(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "\"a\", \"b\"", "abc"})
    void parseWantsExactlyOneTag(String value) {
        assertNull(EntityTag.parse(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"\"xyz\"", "W/\"xyz\"", "\"\""})
    void aTagPrintsAsItWasWritten(String value) {
        assertEquals(value, EntityTag.parse("  " + value + " ").toString());
    }
}
