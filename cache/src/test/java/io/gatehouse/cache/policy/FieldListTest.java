package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldListTest {
    private static final FieldList FIELDS = h("Cache-Control: max-age=60", "X-A: 1", "cache-control: public", "ETag: \"e\"");

    @Test
    void lookupIgnoresTheCaseOfNamesAndKeepsValuesInOrder() {
        assertEquals(List.of("max-age=60", "public"), FIELDS.all("CACHE-CONTROL"));
        assertEquals("max-age=60", FIELDS.first("cache-control"));
        assertTrue(FIELDS.has("etag"));
        assertEquals(List.of(), FIELDS.all("Vary"));
        assertNull(FIELDS.first("Vary"));
        assertFalse(FIELDS.has("Vary"));
    }

    @Test
    void namesAreListedOnceInFirstAppearanceOrderWithTheirFirstSpelling() {
        assertEquals(List.of("Cache-Control", "X-A", "ETag"), FIELDS.names());
    }

    @Test
    void pairsKeepTheirOrderAcrossNames() {
        StringBuilder seen = new StringBuilder();
        FIELDS.forEach((n, v) -> seen.append(n).append('=').append(v).append(';'));
        assertEquals("Cache-Control=max-age=60;X-A=1;cache-control=public;ETag=\"e\";", seen.toString());
        assertEquals(4, FIELDS.size());
        assertEquals("cache-control", FIELDS.name(2));
        assertEquals("public", FIELDS.value(2));
    }

    static Stream<Arguments> copies() {
        return Stream.of(
                arguments("with replaces every line at the first one's place",
                        (UnaryOperator<FieldList>) f -> f.with("CACHE-CONTROL", "no-cache"),
                        h("CACHE-CONTROL: no-cache", "X-A: 1", "ETag: \"e\"")),
                arguments("with appends a field that is absent",
                        (UnaryOperator<FieldList>) f -> f.with("Age", "5"),
                        h("Cache-Control: max-age=60", "X-A: 1", "cache-control: public", "ETag: \"e\"", "Age: 5")),
                arguments("with several values puts them all at the first place",
                        (UnaryOperator<FieldList>) f -> f.with("X-A", List.of("2", "3")),
                        h("Cache-Control: max-age=60", "X-A: 2", "X-A: 3", "cache-control: public", "ETag: \"e\"")),
                arguments("with no values removes the field",
                        (UnaryOperator<FieldList>) f -> f.with("cache-control", List.of()),
                        h("X-A: 1", "ETag: \"e\"")),
                arguments("without removes every line of each name, any case",
                        (UnaryOperator<FieldList>) f -> f.without("CACHE-control", "etag"),
                        h("X-A: 1")),
                arguments("without an absent name changes nothing",
                        (UnaryOperator<FieldList>) f -> f.without("Vary"),
                        FIELDS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("copies")
    void copiesChangeOnlyWhatTheyNameAndLeaveTheOriginalAlone(String rule, UnaryOperator<FieldList> change, FieldList expected) {
        String before = FIELDS.toString();
        assertEquals(expected, change.apply(FIELDS));
        assertEquals(before, FIELDS.toString());
    }

    @Test
    void withoutAnAbsentNameReturnsTheSameList() {
        assertSame(FIELDS, FIELDS.without("Vary"));
    }

    @Test
    void equalityComparesNamesIgnoringCaseAndValuesExactly() {
        assertEquals(h("ETag: \"e\""), h("etag: \"e\""));
        assertEquals(h("ETag: \"e\"").hashCode(), h("etag: \"e\"").hashCode());
        assertNotEquals(h("ETag: \"e\""), h("ETag: \"E\""));
        assertNotEquals(h("A: 1", "B: 2"), h("B: 2", "A: 1"));
    }

    @Test
    void copyOfAnotherFieldsKeepsEveryValueNameByName() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put("Vary", List.of("Accept", "Accept-Encoding"));
        map.put("ETag", List.of("\"x\""));
        Fields other = new Fields() {
            @Override
            public List<String> all(String name) {
                return map.getOrDefault(name, List.of());
            }

            @Override
            public List<String> names() {
                return List.copyOf(map.keySet());
            }
        };
        assertEquals(h("Vary: Accept", "Vary: Accept-Encoding", "ETag: \"x\""), FieldList.copyOf(other));
        assertSame(FIELDS, FieldList.copyOf(FIELDS));
    }

    @Test
    void badInputIsRefusedWhenGiven() {
        assertThrows(IllegalArgumentException.class, () -> FieldList.of("Age"));
        assertThrows(IllegalArgumentException.class, () -> FieldList.of("", "x"));
        assertThrows(NullPointerException.class, () -> FieldList.of("Age", null));
        assertThrows(IndexOutOfBoundsException.class, () -> FIELDS.name(4));
    }

    @Test
    void ofReadsAlternatingNamesAndValues() {
        assertEquals(h("Age: 1", "Vary: Accept"), FieldList.of("Age", "1", "Vary", "Accept"));
        assertEquals(0, FieldList.of().size());
        assertSame(FieldList.empty(), FieldList.builder().build());
    }
}
