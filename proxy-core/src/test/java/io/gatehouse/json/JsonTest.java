package io.gatehouse.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.handler.JsonErrorHandler;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonTest {
    static Stream<Arguments> strings() {
        return Stream.of(
                Arguments.of("plain", "\"plain\""),
                Arguments.of("a\"b\\c", "\"a\\\"b\\\\c\""),
                Arguments.of("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\""),
                Arguments.of("\u0000\u001f", "\"\\u0000\\u001f\""),
                Arguments.of("del\u007f", "\"del\\u007f\""),
                Arguments.of("line\u2028para\u2029", "\"line\\u2028para\\u2029\""),
                Arguments.of("lone \ud800 high", "\"lone \\ud800 high\""),
                Arguments.of("lone \udc00 low", "\"lone \\udc00 low\""),
                Arguments.of("pair \ud83d\ude00 kept", "\"pair \ud83d\ude00 kept\""),
                Arguments.of("é € 中", "\"é € 中\""),
                Arguments.of("", "\"\""),
                Arguments.of(null, "null"));
    }

    @ParameterizedTest
    @MethodSource("strings")
    void stringsAreEscapedPerRfc8259AndSafeToEmbed(String in, String expected) {
        assertEquals(expected, Json.string(in));
    }

    static Stream<Arguments> someStrings() {
        return strings().filter(a -> a.get()[0] != null);
    }

    /** Error bodies once had an escaper of their own that let DEL, U+2028 and lone surrogates through. */
    @ParameterizedTest
    @MethodSource("someStrings")
    void errorBodiesUseTheSameWriter(String in, String expected) {
        assertEquals("{\"status\":400,\"error\":" + expected + ",\"request_id\":" + expected + "}\n",
                JsonErrorHandler.body(400, in, in));
    }
}
