package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RevalidationTest {
    private static final String LAST_MODIFIED = at(-1000);

    /** Each row: rule, stored fields, the conditional fields sent. */
    static Stream<Arguments> conditionals() {
        return Stream.of(
                arguments("§4.3.1 ETag and Last-Modified: both", h("ETag: \"v1\"", "Last-Modified: " + LAST_MODIFIED),
                        h("If-None-Match: \"v1\"", "If-Modified-Since: " + LAST_MODIFIED)),
                arguments("§4.3.1 a weak ETag is sent as it is", h("ETag: W/\"v1\""), h("If-None-Match: W/\"v1\"")),
                arguments("§4.3.1 ETag with surrounding whitespace", FieldList.of("ETag", "  \"v1\" "), h("If-None-Match: \"v1\"")),
                arguments("§4.3.1 Last-Modified only", h("Last-Modified: " + LAST_MODIFIED), h("If-Modified-Since: " + LAST_MODIFIED)),
                arguments("§4.3.1 Last-Modified in an obsolete form is sent as written",
                        h("Last-Modified: Sunday, 06-Nov-94 08:49:37 GMT"), h("If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT")),
                arguments("choice: no If-Modified-Since from Date", h("Date: " + at(0), "Cache-Control: max-age=60"), h()),
                arguments("a malformed ETag is not sent", h("ETag: v1", "Last-Modified: " + LAST_MODIFIED),
                        h("If-Modified-Since: " + LAST_MODIFIED)),
                arguments("an invalid Last-Modified is not sent", h("ETag: \"v1\"", "Last-Modified: 0"), h("If-None-Match: \"v1\"")),
                arguments("no validator: nothing", h("Content-Type: text/plain"), h()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditionals")
    void theConditionalRequestCarriesTheStoredValidators(String rule, FieldList stored, FieldList expected) {
        assertEquals(expected, Revalidation.conditionalFields(stored));
        assertEquals(!expected.names().isEmpty(), Revalidation.hasValidator(stored));
    }

    /** Each row: rule, stored fields, 304 fields, whether the 304 updates the stored response. */
    static Stream<Arguments> applies() {
        return Stream.of(
                arguments("§4.3.4 the same strong ETag", h("ETag: \"v1\""), h("ETag: \"v1\""), true),
                arguments("§4.3.4 another strong ETag", h("ETag: \"v1\""), h("ETag: \"v2\""), false),
                arguments("§4.3.4 the same weak ETag", h("ETag: W/\"v1\""), h("ETag: W/\"v1\""), true),
                arguments("§4.3.4 a weak ETag for a strong one", h("ETag: \"v1\""), h("ETag: W/\"v1\""), false),
                arguments("§4.3.4 a strong ETag for a weak one", h("ETag: W/\"v1\""), h("ETag: \"v1\""), false),
                arguments("§4.3.4 an ETag when none is stored", h("Last-Modified: " + LAST_MODIFIED), h("ETag: \"v1\""), false),
                arguments("§4.3.4 the ETag decides before Last-Modified", h("ETag: \"v1\"", "Last-Modified: " + LAST_MODIFIED),
                        h("ETag: \"v1\"", "Last-Modified: " + at(-5)), true),
                arguments("§4.3.4 no ETag, the same Last-Modified", h("ETag: \"v1\"", "Last-Modified: " + LAST_MODIFIED),
                        h("Last-Modified: " + LAST_MODIFIED), true),
                arguments("§4.3.4 no ETag, the same Last-Modified in another form",
                        h("Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT"), h("Last-Modified: Sunday, 06-Nov-94 08:49:37 GMT"), true),
                arguments("§4.3.4 no ETag, another Last-Modified", h("Last-Modified: " + LAST_MODIFIED),
                        h("Last-Modified: " + at(-5)), false),
                arguments("§4.3.4 an invalid Last-Modified", h("Last-Modified: " + LAST_MODIFIED), h("Last-Modified: yesterday"), false),
                arguments("§4.3.4 no validator: the answer to our own conditional request", h("ETag: \"v1\""), h("Date: " + at(0)), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applies")
    void a304AppliesOnlyToTheResponseItValidates(String rule, FieldList stored, FieldList notModified, boolean expected) {
        assertEquals(expected, Revalidation.applies(stored, notModified));
    }

    /** Each row: rule, stored fields, 304 fields, stored fields after the update. */
    static Stream<Arguments> merges() {
        return Stream.of(
                arguments("§4.3.4 fields the 304 carries replace the stored ones in place; new ones are appended",
                        h("Date: " + at(-100), "Cache-Control: max-age=60", "Content-Type: text/plain", "ETag: \"v1\""),
                        h("Date: " + at(0), "Cache-Control: max-age=120", "ETag: \"v1\"", "X-New: 1"),
                        h("Date: " + at(0), "Cache-Control: max-age=120", "Content-Type: text/plain", "ETag: \"v1\"", "X-New: 1")),
                arguments("§4.3.4 every stored line of a field is replaced",
                        h("Date: " + at(-100), "X-A: 1", "X-B: b", "X-A: 2"),
                        h("Date: " + at(0), "x-a: 3"),
                        h("Date: " + at(0), "x-a: 3", "X-B: b")),
                arguments("§3.2 Content-Length, Content-Encoding, Content-Range and Vary are kept",
                        h("Date: " + at(-100), "Content-Length: 10", "Content-Encoding: gzip", "Vary: Accept-Encoding"),
                        h("Date: " + at(0), "Content-Length: 0", "Content-Encoding: br", "Content-Range: bytes 0-1/2",
                                "Vary: Accept"),
                        h("Date: " + at(0), "Content-Length: 10", "Content-Encoding: gzip", "Vary: Accept-Encoding")),
                arguments("§3.2 hop-by-hop fields and Set-Cookie are not taken",
                        h("Date: " + at(-100), "ETag: \"v1\""),
                        h("Date: " + at(0), "Connection: close, X-Hop", "X-Hop: 1", "Keep-Alive: 5", "Transfer-Encoding: chunked",
                                "Set-Cookie: s=1"),
                        h("Date: " + at(0), "ETag: \"v1\"")),
                arguments("§3.2 fields named by private or no-cache are not taken",
                        h("Date: " + at(-100), "Cache-Control: max-age=60, private=\"X-User\""),
                        h("Date: " + at(0), "Cache-Control: max-age=60, private=\"X-User\", no-cache=\"X-Debug\"", "X-User: ann",
                                "X-Debug: 1"),
                        h("Date: " + at(0), "Cache-Control: max-age=60, private=\"X-User\", no-cache=\"X-Debug\"")),
                arguments("a Date and an Age the 304 lacks are removed",
                        h("Date: " + at(-100), "Age: 30", "Cache-Control: max-age=60"),
                        h("Cache-Control: max-age=60"),
                        h("Cache-Control: max-age=60")),
                arguments("§4.2.3 the 304's Age replaces the stored one",
                        h("Date: " + at(-100), "Age: 30"),
                        h("Date: " + at(0), "Age: 2"),
                        h("Date: " + at(0), "Age: 2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void a304UpdatesTheStoredFieldsAsSection434Says(String rule, FieldList stored, FieldList notModified, FieldList expected) {
        assertEquals(expected, Revalidation.merge(stored, notModified));
    }
}
