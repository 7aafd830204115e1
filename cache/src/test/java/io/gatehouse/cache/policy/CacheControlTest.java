package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheControlTest {

    /** Each row: the rule, the Cache-Control lines, and every directive read (in {@code toString} form). */
    static Stream<Arguments> directives() {
        return Stream.of(
                arguments("§5.2.2.1 max-age", lines("max-age=60"), "max-age=60"),
                arguments("§5.2 directive names are case-insensitive", lines("MAX-AGE=60, No-Store"), "no-store, max-age=60"),
                arguments("§5.2 quoted-string argument accepted", lines("max-age=\"60\""), "max-age=60"),
                arguments("§1.2.2 non-numeric is invalid", lines("max-age=abc"), "max-age=invalid"),
                arguments("§1.2.2 negative is invalid", lines("max-age=-1"), "max-age=invalid"),
                arguments("§1.2.2 a sign is invalid", lines("max-age=+5"), "max-age=invalid"),
                arguments("§1.2.2 a fraction is invalid", lines("max-age=1.5"), "max-age=invalid"),
                arguments("§1.2.2 an empty value is invalid", lines("max-age="), "max-age=invalid"),
                arguments("§1.2.2 no value is invalid", lines("max-age"), "max-age=invalid"),
                arguments("§1.2.2 a broken quoted value is invalid", lines("max-age=\"60"), "max-age=invalid"),
                arguments("§1.2.2 leading zeros are digits", lines("max-age=007"), "max-age=7"),
                arguments("§1.2.2 2^31-1 is kept", lines("max-age=2147483647"), "max-age=2147483647"),
                arguments("§1.2.2 above 2^31 is 2^31", lines("max-age=2147483649"), "max-age=2147483648"),
                arguments("§1.2.2 huge numbers never overflow", lines("max-age=99999999999999999999999999"), "max-age=2147483648"),
                arguments("whitespace around = is tolerated", lines("max-age = 60"), "max-age=60"),
                arguments("§4.2.1 a repeat with the same value", lines("max-age=60, max-age=60"), "max-age=60"),
                arguments("§4.2.1 repeats that disagree are invalid", lines("max-age=60, max-age=120"), "max-age=invalid"),
                arguments("§4.2.1 repeats on two lines that disagree", lines("max-age=60", "max-age=120"), "max-age=invalid"),
                arguments("§4.2.1 a repeat after an invalid one stays invalid", lines("max-age=x, max-age=5"), "max-age=invalid"),
                arguments("§5.2.2.10 s-maxage", lines("s-maxage=30, max-age=60"), "max-age=60, s-maxage=30"),
                arguments("§5.2.2.4 no-cache", lines("no-cache"), "no-cache"),
                arguments("§5.2.2.4 no-cache with field names, lower-cased",
                        lines("no-cache=\"Set-Cookie, X-Debug\""), "no-cache=[set-cookie, x-debug]"),
                arguments("§5.2.2.4 no-cache with one name in token form", lines("no-cache=Set-Cookie"), "no-cache=[set-cookie]"),
                arguments("no-cache with an empty list is the whole response", lines("no-cache=\"\""), "no-cache"),
                arguments("no-cache with and without names: the whole response",
                        lines("no-cache=\"X-A\", no-cache"), "no-cache, no-cache=[x-a]"),
                arguments("§5.2.2.7 private", lines("private"), "private"),
                arguments("§5.2.2.7 private with field names", lines("private=\"X-User\""), "private=[x-user]"),
                arguments("private with a broken quoted list is the whole response", lines("private=\"X-User"), "private"),
                arguments("§5.2.2 flags", lines("public, must-revalidate, proxy-revalidate, immutable, no-store"),
                        "no-store, public, must-revalidate, proxy-revalidate, immutable"),
                arguments("§5.2.2.3 must-understand", lines("must-understand, no-store"), "no-store, must-understand"),
                arguments("RFC 5861 stale-while-revalidate and stale-if-error",
                        lines("max-age=60, stale-while-revalidate=30, stale-if-error=600"),
                        "max-age=60, stale-while-revalidate=30, stale-if-error=600"),
                arguments("RFC 5861 an invalid stale-if-error", lines("stale-if-error=soon"), "stale-if-error=invalid"),
                arguments("§5.2.1.2 max-stale without a value: any staleness", lines("max-stale"), "max-stale=2147483648"),
                arguments("§5.2.1.2 max-stale with a value", lines("max-stale=10"), "max-stale=10"),
                arguments("§5.2.1.2 max-stale with a bad value", lines("max-stale=x"), "max-stale=invalid"),
                arguments("§5.2.1.3 min-fresh", lines("min-fresh=5"), "min-fresh=5"),
                arguments("§5.2.1.7 only-if-cached", lines("only-if-cached"), "only-if-cached"),
                arguments("§5.2.3 unknown directives are ignored", lines("foo=bar, max-age=5, x-y"), "max-age=5"),
                arguments("a quoted comma does not start a directive", lines("foo=\"max-age=5, no-store\""), ""),
                arguments("empty elements", lines(", ,max-age=5,"), "max-age=5"),
                arguments("an empty field", lines(""), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directives")
    void directivesAreReadAsTheRfcSays(String rule, String[] lines, String expected) {
        assertEquals(expected, CacheControl.response(cacheControl(lines)).toString());
    }

    /** Each row: the rule, the request's Cache-Control, every directive read. */
    static Stream<Arguments> requestDirectives() {
        return Stream.of(
                arguments("§5.2.1.1 max-age", "max-age=0", "max-age=0"),
                arguments("§5.2.1.2 max-stale", "max-stale, max-age=5", "max-age=5, max-stale=2147483648"),
                arguments("§5.2.1.3 min-fresh", "MIN-FRESH=\"10\"", "min-fresh=10"),
                arguments("§5.2.1.4 no-cache", "no-cache", "no-cache"),
                arguments("§5.2.1.4 no-cache takes no field names in a request", "no-cache=\"X-A\"", "no-cache, no-cache=[x-a]"),
                arguments("§5.2.1.5 no-store", "no-store", "no-store"),
                arguments("§5.2.1.7 only-if-cached", "only-if-cached", "only-if-cached"),
                arguments("RFC 5861 §4 stale-if-error", "stale-if-error=60", "stale-if-error=60"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestDirectives")
    void requestDirectivesAreReadAsTheRfcSays(String rule, String line, String expected) {
        assertEquals(expected, CacheControl.request(cacheControl(new String[] {line})).toString());
    }

    @Test
    void valuesAreThereAsNumbersAndSets() {
        CacheControl cc = CacheControl.response(h(
                "Cache-Control: max-age=60, s-maxage=30, no-cache=\"Set-Cookie\", private=\"X-User\"",
                "Cache-Control: stale-while-revalidate=5, stale-if-error=7"));
        assertEquals(60, cc.maxAge());
        assertEquals(30, cc.sMaxAge());
        assertEquals(5, cc.staleWhileRevalidate());
        assertEquals(7, cc.staleIfError());
        assertEquals(CacheControl.ABSENT, cc.maxStale());
        assertEquals(CacheControl.ABSENT, cc.minFresh());
        assertEquals(Set.of("set-cookie"), cc.noCacheFields());
        assertEquals(Set.of("x-user"), cc.privateFields());
        assertFalse(cc.noCache());
        assertFalse(cc.isPrivate());
        assertEquals(CacheControl.INVALID, CacheControl.response(h("Cache-Control: s-maxage=x")).sMaxAge());
    }

    @Test
    void pragmaNoCacheIsARequestNoCacheOnlyWithoutCacheControl() {
        assertTrue(CacheControl.request(h("Pragma: no-cache")).noCache(), "§5.4 Pragma alone");
        assertTrue(CacheControl.request(h("Pragma: x, NO-CACHE")).noCache(), "§5.4 Pragma, any case, in a list");
        assertFalse(CacheControl.request(h("Pragma: no-cache", "Cache-Control: max-age=5")).noCache(),
                "§5.4 ignored next to Cache-Control");
        assertFalse(CacheControl.request(h("Pragma: no-cache", "Cache-Control:")).noCache(),
                "§5.4 ignored next to an empty Cache-Control");
        assertFalse(CacheControl.request(h("Pragma: foo")).noCache(), "another pragma");
        assertFalse(CacheControl.response(h("Pragma: no-cache")).noCache(), "§5.4 means nothing in a response");
        assertFalse(CacheControl.request(h()).noCache(), "no fields");
    }

    @Test
    void aRequestNoCacheWithFieldNamesIsAPlainNoCache() {
        assertTrue(CacheControl.request(h("Cache-Control: no-cache=\"X-A\"")).noCache(), "§5.2.1.4 request no-cache");
        assertFalse(CacheControl.response(h("Cache-Control: no-cache=\"X-A\"")).noCache(), "§5.2.2.4 response no-cache=");
    }

    private static String[] lines(String... lines) {
        return lines;
    }

    private static FieldList cacheControl(String[] lines) {
        FieldList.Builder b = FieldList.builder();
        for (String line : lines) {
            b.add("Cache-Control", line);
        }
        return b.build();
    }
}
