package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldElementsTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                arguments("RFC 9110 §5.6.1 comma-separated", "a, b", List.of("a", "b")),
                arguments("§5.6.1 empty elements are dropped", "a,,b, ,", List.of("a", "b")),
                arguments("§5.6.1 optional whitespace around elements", " a ,\tb\t", List.of("a", "b")),
                arguments("§5.6.4 a comma inside a quoted string does not split",
                        "no-cache=\"Set-Cookie, X-A\", max-age=5", List.of("no-cache=\"Set-Cookie, X-A\"", "max-age=5")),
                arguments("§5.6.4 an escaped quote does not end the quoted string",
                        "x=\"a\\\", b\", y", List.of("x=\"a\\\", b\"", "y")),
                arguments("an unterminated quoted string runs to the end", "x=\"a, b, y", List.of("x=\"a, b, y")),
                arguments("an empty line has no elements", "", List.of()),
                arguments("inner whitespace is kept", "text/html;  q=0.5", List.of("text/html;  q=0.5")));
    }

    @ParameterizedTest(name = "{0}: [{1}]")
    @MethodSource("lines")
    void aLineSplitsIntoItsElements(String rule, String line, List<String> expected) {
        assertEquals(expected, FieldElements.split(line));
    }

    @Test
    void everyLineOfTheFieldIsReadInOrder() {
        FieldList f = h("Vary: Accept", "X: 1", "vary: Cookie, Origin");
        assertEquals(List.of("Accept", "Cookie", "Origin"), FieldElements.of(f, "VARY"));
        assertEquals(List.of(), FieldElements.of(f, "Absent"));
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "\"abc\"        | abc",
            "\"a\\\"b\"     | a\"b",
            "\"a\\\\b\"     | a\\b",
            "\"\"           | ''",
            "abc            | NULL",
            "\"abc          | NULL",
            "\"a\"b\"       | NULL",
            "\"a\\          | NULL",
    })
    void aQuotedStringIsUnquotedOnlyWhenWellFormed(String value, String expected) {
        assertEquals(expected, FieldElements.unquote(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"Accept-Encoding", "x_y.z!#$%&'*+^`|~", "*", "0"})
    void tokensAreMadeOfRfc9110TokenCharacters(String s) {
        assertTrue(FieldElements.isToken(s));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "a b", "a:b", "\"a\"", "a,b", "a/b", "caf\u00e9"})
    void anythingElseIsNotAToken(String s) {
        assertFalse(FieldElements.isToken(s));
    }
}
