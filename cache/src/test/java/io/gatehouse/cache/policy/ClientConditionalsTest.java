package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.ClientConditionals.Answer.FULL;
import static io.gatehouse.cache.policy.ClientConditionals.Answer.NOT_MODIFIED;
import static io.gatehouse.cache.policy.ClientConditionals.Answer.TO_ORIGIN;
import static io.gatehouse.cache.policy.Heads.T0;
import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientConditionalsTest {
    private static final FieldList TAGGED = h("Date: " + at(0), "ETag: \"v1\"", "Last-Modified: " + at(-1000),
            "Cache-Control: max-age=60");

    /** Each row: rule, method, request fields, stored status, stored fields, answer. */
    static Stream<Arguments> answers() {
        return Stream.of(
                row("RFC 9110 §13.1.2 the same tag", "GET", h("If-None-Match: \"v1\""), 200, TAGGED, NOT_MODIFIED),
                row("§13.1.2 weak comparison: a weak tag matches a strong one", "GET", h("If-None-Match: W/\"v1\""), 200, TAGGED,
                        NOT_MODIFIED),
                row("§13.1.2 weak comparison: a strong tag matches a weak one", "GET", h("If-None-Match: \"v1\""), 200,
                        h("ETag: W/\"v1\""), NOT_MODIFIED),
                row("§13.1.2 another tag", "GET", h("If-None-Match: \"v2\""), 200, TAGGED, FULL),
                row("§13.1.2 one of a list", "GET", h("If-None-Match: \"v0\", W/\"v1\""), 200, TAGGED, NOT_MODIFIED),
                row("§13.1.2 one of several lines", "GET", h("If-None-Match: \"v0\"", "If-None-Match: \"v1\""), 200, TAGGED,
                        NOT_MODIFIED),
                row("§13.1.2 a tag with a comma", "GET", h("If-None-Match: \"a,b\""), 200, h("ETag: \"a,b\""), NOT_MODIFIED),
                row("§13.1.2 *", "GET", h("If-None-Match: *"), 200, TAGGED, NOT_MODIFIED),
                row("§13.1.2 * without a stored ETag", "GET", h("If-None-Match: *"), 200, h("Cache-Control: max-age=60"),
                        NOT_MODIFIED),
                row("§13.1.2 a tag without a stored ETag", "GET", h("If-None-Match: \"v1\""), 200, h("Cache-Control: max-age=60"),
                        FULL),
                row("§13.1.2 a malformed list", "GET", h("If-None-Match: v1"), 200, TAGGED, FULL),
                row("§13.1.2 tags are case-sensitive", "GET", h("If-None-Match: \"V1\""), 200, TAGGED, FULL),
                row("§13.1.2 HEAD like GET", "HEAD", h("If-None-Match: \"v1\""), 200, TAGGED, NOT_MODIFIED),
                row("§13.2.2 If-None-Match decides, If-Modified-Since ignored", "GET",
                        h("If-None-Match: \"v2\"", "If-Modified-Since: " + at(0)), 200, TAGGED, FULL),
                row("§13.1.3 not modified since", "GET", h("If-Modified-Since: " + at(-500)), 200, TAGGED, NOT_MODIFIED),
                row("§13.1.3 not modified since, the same second", "GET", h("If-Modified-Since: " + at(-1000)), 200, TAGGED,
                        NOT_MODIFIED),
                row("§13.1.3 modified since", "GET", h("If-Modified-Since: " + at(-1001)), 200, TAGGED, FULL),
                row("§13.1.3 an invalid date is ignored", "GET", h("If-Modified-Since: yesterday"), 200, TAGGED, FULL),
                row("§13.1.3 two dates are ignored", "GET", h("If-Modified-Since: " + at(0), "If-Modified-Since: " + at(0)), 200,
                        TAGGED, FULL),
                row("§13.1.3 obsolete date form", "GET", h("If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT"), 200,
                        h("Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT"), NOT_MODIFIED),
                row("RFC 9111 §4.3.2 without Last-Modified: the stored Date", "GET", h("If-Modified-Since: " + at(-10)), 200,
                        h("Date: " + at(-20)), NOT_MODIFIED),
                row("RFC 9111 §4.3.2 without Last-Modified: the stored Date, later", "GET", h("If-Modified-Since: " + at(-30)), 200,
                        h("Date: " + at(-20)), FULL),
                row("RFC 9111 §4.3.2 without Last-Modified or Date: when received", "GET", h("If-Modified-Since: " + at(0)), 200,
                        h(), NOT_MODIFIED),
                row("RFC 9111 §4.3.2 without Last-Modified or Date: when received, later", "GET", h("If-Modified-Since: " + at(-1)),
                        200, h(), FULL),
                row("§13.2.1 only a 2xx answers 304", "GET", h("If-None-Match: *"), 404, TAGGED, FULL),
                row("§13.2.1 a stored 203 answers 304", "GET", h("If-None-Match: \"v1\""), 203, TAGGED, NOT_MODIFIED),
                row("choice: If-Match goes to the origin", "GET", h("If-Match: \"v1\""), 200, TAGGED, TO_ORIGIN),
                row("choice: If-Unmodified-Since goes to the origin", "GET", h("If-Unmodified-Since: " + at(0)), 200, TAGGED,
                        TO_ORIGIN),
                row("other methods go to the origin", "POST", h("If-None-Match: *"), 200, TAGGED, TO_ORIGIN),
                row("no conditions", "GET", h("Accept: */*"), 200, TAGGED, FULL));
    }

    private static Arguments row(String rule, String method, FieldList request, int status, FieldList stored,
            ClientConditionals.Answer answer) {
        return arguments(rule, method, request, status, stored, answer);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void aConditionalRequestIsAnsweredFromTheStoredResponse(String rule, String method, FieldList request, int status,
            FieldList stored, ClientConditionals.Answer answer) {
        assertEquals(answer, ClientConditionals.evaluate(method, request, StoredHead.of(status, stored, T0, T0)));
    }

    @Test
    void a304CarriesTheFieldsRfc9110Lists() {
        FieldList stored = h("Date: " + at(0), "Content-Type: text/html", "ETag: \"v1\"", "Cache-Control: max-age=60",
                "Content-Length: 5", "Vary: Accept-Encoding", "Expires: " + at(60), "Content-Location: /a.html",
                "Last-Modified: " + at(-10), "X-Other: 1");
        assertEquals(h("Date: " + at(0), "ETag: \"v1\"", "Cache-Control: max-age=60", "Vary: Accept-Encoding",
                "Expires: " + at(60), "Content-Location: /a.html"), ClientConditionals.notModifiedFields(stored));
        assertEquals(h("Date: " + at(0), "Last-Modified: " + at(-10)),
                ClientConditionals.notModifiedFields(h("Date: " + at(0), "Content-Type: text/html", "Last-Modified: " + at(-10))));
    }
}
