package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SecondaryKeyTest {

    /** Each row: rule, stored response fields, request fields, the key ({@code null}: never matches). */
    static Stream<Arguments> keys() {
        return Stream.of(
                arguments("§4.1 no Vary: the empty key", h("ETag: \"a\""), h("Accept: text/html"), ""),
                arguments("§4.1 an empty Vary: the empty key", h("Vary:"), h("Accept: text/html"), ""),
                arguments("§4.1 one field", h("Vary: Accept-Encoding"), h("Accept-Encoding: gzip"), "accept-encoding: gzip"),
                arguments("§4.1 an absent field", h("Vary: Accept-Encoding"), h("Accept: */*"), "accept-encoding"),
                arguments("§4.1 an empty field differs from an absent one", h("Vary: Accept-Encoding"), h("Accept-Encoding:"),
                        "accept-encoding: "),
                arguments("§4.1 whitespace around commas removed", h("Vary: Accept-Encoding"), h("Accept-Encoding: gzip ,\t br"),
                        "accept-encoding: gzip,br"),
                arguments("§4.1 several lines combined", h("Vary: Accept-Encoding"), h("Accept-Encoding: gzip", "accept-encoding: br"),
                        "accept-encoding: gzip,br"),
                arguments("§4.1 runs of whitespace inside an element made one", h("Vary: Accept"), h("Accept: text/html;   q=0.9"),
                        "accept: text/html; q=0.9"),
                arguments("quoted strings are kept as they are", h("Vary: X-Q"), h("X-Q: a=\"x  ,  y\""), "x-q: a=\"x  ,  y\""),
                arguments("values keep their case", h("Vary: Accept-Language"), h("Accept-Language: en-GB"),
                        "accept-language: en-GB"),
                arguments("§4.1 names lower-cased and sorted", h("Vary: User-Agent, ACCEPT-encoding"),
                        h("user-agent: curl", "Accept-Encoding: gzip"), "accept-encoding: gzip\nuser-agent: curl"),
                arguments("§4.1 names on several Vary lines, repeated", h("Vary: Cookie", "Vary: accept, Accept, cookie"),
                        h("Cookie: a=1", "Accept: */*"), "accept: */*\ncookie: a=1"),
                arguments("a line break in a value is escaped", h("Vary: X-A"), h("X-A: a\nb%"), "x-a: a%0Ab%25"),
                arguments("§4.1 Vary: * never matches", h("Vary: *"), h("Accept: */*"), null),
                arguments("§4.1 Vary with * among names never matches", h("Vary: Accept, *"), h("Accept: */*"), null),
                arguments("a Vary element that is not a name never matches", h("Vary: Accept Encoding"), h("Accept: */*"), null),
                arguments("a quoted Vary element never matches", h("Vary: \"Accept\""), h("Accept: */*"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void theKeyNormalisesTheVaryingFields(String rule, FieldList stored, FieldList request, String key) {
        assertEquals(key, SecondaryKey.of(stored, request));
        assertEquals(key == null, SecondaryKey.matchesNothing(stored));
    }

    @Test
    void aRequestMatchesWhenItsVaryingFieldsAreTheSameUpToNormalisation() {
        FieldList stored = h("Vary: Accept-Encoding, Accept-Language", "ETag: \"a\"");
        String key = SecondaryKey.of(stored, h("Accept-Encoding: gzip, br", "Accept-Language: en"));
        assertTrue(SecondaryKey.matches(key, stored, h("accept-language:  en", "ACCEPT-ENCODING: gzip,br", "Accept: */*")));
        assertTrue(SecondaryKey.matches(key, stored, h("Accept-Encoding: gzip", "Accept-Encoding: br", "Accept-Language: en")));
        assertFalse(SecondaryKey.matches(key, stored, h("Accept-Encoding: br, gzip", "Accept-Language: en")), "order in a value counts");
        assertFalse(SecondaryKey.matches(key, stored, h("Accept-Encoding: gzip, br")), "absent is not equal");
        assertFalse(SecondaryKey.matches(key, stored, h("Accept-Encoding: gzip, br", "Accept-Language:")), "empty is not equal");
        assertFalse(SecondaryKey.matches(key, stored, h("Accept-Encoding: gzip, br", "Accept-Language: EN")), "case in a value counts");
    }

    @Test
    void varyStarMatchesNothingNotEvenTheSameRequest() {
        FieldList stored = h("Vary: *");
        FieldList request = h("Accept: */*");
        assertFalse(SecondaryKey.matches(SecondaryKey.of(stored, request), stored, request));
        assertFalse(SecondaryKey.matches(null, stored, request));
    }

    @Test
    void aValueCannotForgeAnotherFieldsLine() {
        FieldList stored = h("Vary: A, B");
        String forged = SecondaryKey.of(stored, h("A: x\nb: y"));
        String real = SecondaryKey.of(stored, h("A: x", "B: y"));
        assertFalse(forged.equals(real));
        assertNull(SecondaryKey.of(h("Vary: *"), h()));
    }
}
