package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.T0;
import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static io.gatehouse.cache.policy.Heads.stored;
import static io.gatehouse.cache.policy.Lookup.Outcome.FRESH;
import static io.gatehouse.cache.policy.Lookup.Outcome.GATEWAY_TIMEOUT;
import static io.gatehouse.cache.policy.Lookup.Outcome.REVALIDATE;
import static io.gatehouse.cache.policy.Lookup.Outcome.STALE_SERVABLE;
import static io.gatehouse.cache.policy.Lookup.Outcome.STALE_WHILE_REVALIDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LookupTest {
    private static final FieldList NO_DIRECTIVES = h("Host: example.com");
    private static final FieldList MAX_AGE_60 = h("Date: " + at(0), "Cache-Control: max-age=60", "ETag: \"a\"");

    /** Each row: rule, stored 200 fields (received at T0), request fields, seconds after T0, cache_valid, outcome. */
    static Stream<Arguments> lookups() {
        return Stream.of(
                row("§4.2 fresh", MAX_AGE_60, NO_DIRECTIVES, 30, FRESH),
                row("§4.2 fresh one second before the end", MAX_AGE_60, NO_DIRECTIVES, 59, FRESH),
                row("§4.2 stale when the age reaches the lifetime", MAX_AGE_60, NO_DIRECTIVES, 60, REVALIDATE),
                row("§4.2.4 stale without permission", MAX_AGE_60, NO_DIRECTIVES, 120, REVALIDATE),
                row("§4.2.3 Age counts: 50 s old on arrival, 15 s later", h("Cache-Control: max-age=60", "Age: 50"),
                        NO_DIRECTIVES, 15, REVALIDATE),
                row("§4.2.3 Age counts: 50 s old on arrival, 5 s later", h("Cache-Control: max-age=60", "Age: 50"),
                        NO_DIRECTIVES, 5, FRESH),
                row("§4.2.3 clock skew: Date an hour ahead is no age", h("Date: " + at(3600), "Cache-Control: max-age=60"),
                        NO_DIRECTIVES, 30, FRESH),
                row("§4.2.3 clock skew: Date an hour behind is an hour old", h("Date: " + at(-3600), "Cache-Control: max-age=60"),
                        NO_DIRECTIVES, 0, REVALIDATE),
                row("§4.2.1 Expires", h("Date: " + at(0), "Expires: " + at(60)), NO_DIRECTIVES, 30, FRESH),
                row("§4.2.2 heuristic lifetime 100 s, at 50 s", h("Date: " + at(0), "Last-Modified: " + at(-1000)),
                        NO_DIRECTIVES, 50, FRESH),
                row("§4.2.2 heuristic lifetime 100 s, at 150 s", h("Date: " + at(0), "Last-Modified: " + at(-1000)),
                        NO_DIRECTIVES, 150, REVALIDATE),
                rowValid("cache_valid 10m, at 5 minutes", h("Date: " + at(0)), NO_DIRECTIVES, 300, FRESH),
                rowValid("cache_valid 10m, at 11 minutes", h("Date: " + at(0)), NO_DIRECTIVES, 660, REVALIDATE),
                rowValid("cache_valid does not outlast max-age", MAX_AGE_60, NO_DIRECTIVES, 120, REVALIDATE),
                row("§5.2.2.5 immutable does not outlast its lifetime", h("Cache-Control: max-age=60, immutable"),
                        NO_DIRECTIVES, 120, REVALIDATE),
                row("§5.2.2.4 stored no-cache always revalidates", h("Cache-Control: no-cache, max-age=600", "ETag: \"a\""),
                        NO_DIRECTIVES, 0, REVALIDATE),
                row("§5.2.2.4 stored no-cache with field names is used while fresh",
                        h("Cache-Control: no-cache=\"X-Debug\", max-age=60"), NO_DIRECTIVES, 10, FRESH),
                row("§5.2.1.4 request no-cache revalidates a fresh entry", MAX_AGE_60, h("Cache-Control: no-cache"), 1, REVALIDATE),
                row("§5.4 request Pragma: no-cache revalidates", MAX_AGE_60, h("Pragma: no-cache"), 1, REVALIDATE),
                row("§5.4 Pragma ignored beside Cache-Control", MAX_AGE_60, h("Pragma: no-cache", "Cache-Control: max-stale"),
                        1, FRESH),
                row("§5.2.1.1 request max-age=0 revalidates", MAX_AGE_60, h("Cache-Control: max-age=0"), 1, REVALIDATE),
                row("§5.2.1.1 request max-age=30 at 20 s", MAX_AGE_60, h("Cache-Control: max-age=30"), 20, FRESH),
                row("§5.2.1.1 request max-age=30 at 40 s", MAX_AGE_60, h("Cache-Control: max-age=30"), 40, REVALIDATE),
                row("§5.2.1.1 request max-age invalid revalidates", MAX_AGE_60, h("Cache-Control: max-age=abc"), 1, REVALIDATE),
                row("§5.2.1.1 request max-age beats max-stale", MAX_AGE_60, h("Cache-Control: max-age=90, max-stale"), 120,
                        REVALIDATE),
                row("§5.2.1.1 request max-age with max-stale within both", MAX_AGE_60, h("Cache-Control: max-age=90, max-stale"), 80,
                        STALE_SERVABLE),
                row("§5.2.1.3 min-fresh=30 with 40 s left", MAX_AGE_60, h("Cache-Control: min-fresh=30"), 20, FRESH),
                row("§5.2.1.3 min-fresh=30 with 20 s left", MAX_AGE_60, h("Cache-Control: min-fresh=30"), 40, REVALIDATE),
                row("§5.2.1.3 min-fresh invalid revalidates", MAX_AGE_60, h("Cache-Control: min-fresh=x"), 1, REVALIDATE),
                row("§5.2.1.2 max-stale without a value", MAX_AGE_60, h("Cache-Control: max-stale"), 100_000, STALE_SERVABLE),
                row("§5.2.1.2 max-stale=30, 20 s stale", MAX_AGE_60, h("Cache-Control: max-stale=30"), 80, STALE_SERVABLE),
                row("§5.2.1.2 max-stale=30, 40 s stale", MAX_AGE_60, h("Cache-Control: max-stale=30"), 100, REVALIDATE),
                row("§5.2.1.2 max-stale invalid is ignored", MAX_AGE_60, h("Cache-Control: max-stale=x"), 80, REVALIDATE),
                row("§5.2.2.2 max-stale never beats must-revalidate", h("Cache-Control: max-age=60, must-revalidate"),
                        h("Cache-Control: max-stale"), 80, REVALIDATE),
                row("§5.2.2.8 max-stale never beats proxy-revalidate", h("Cache-Control: max-age=60, proxy-revalidate"),
                        h("Cache-Control: max-stale"), 80, REVALIDATE),
                row("§5.2.2.10 max-stale never beats s-maxage", h("Cache-Control: s-maxage=60"),
                        h("Cache-Control: max-stale"), 80, REVALIDATE),
                row("RFC 5861 §3 stale-while-revalidate, 20 s stale", h("Cache-Control: max-age=60, stale-while-revalidate=30"),
                        NO_DIRECTIVES, 80, STALE_WHILE_REVALIDATE),
                row("RFC 5861 §3 stale-while-revalidate, at its end", h("Cache-Control: max-age=60, stale-while-revalidate=30"),
                        NO_DIRECTIVES, 90, STALE_WHILE_REVALIDATE),
                row("RFC 5861 §3 stale-while-revalidate, past its end", h("Cache-Control: max-age=60, stale-while-revalidate=30"),
                        NO_DIRECTIVES, 100, REVALIDATE),
                row("RFC 5861 past stale-while-revalidate, within max-stale",
                        h("Cache-Control: max-age=60, stale-while-revalidate=30"), h("Cache-Control: max-stale"), 100, STALE_SERVABLE),
                row("RFC 5861 stale-while-revalidate given with s-maxage", h("Cache-Control: s-maxage=60, stale-while-revalidate=30"),
                        NO_DIRECTIVES, 80, STALE_WHILE_REVALIDATE),
                row("§4.2.4 stale-while-revalidate never beats must-revalidate",
                        h("Cache-Control: max-age=60, must-revalidate, stale-while-revalidate=30"), NO_DIRECTIVES, 80, REVALIDATE),
                row("§4.2.4 stale-while-revalidate never beats stored no-cache",
                        h("Cache-Control: no-cache, max-age=60, stale-while-revalidate=30"), NO_DIRECTIVES, 80, REVALIDATE),
                row("stale-while-revalidate never beats the request's max-age",
                        h("Cache-Control: max-age=60, stale-while-revalidate=30"), h("Cache-Control: max-age=10"), 80, REVALIDATE),
                row("stale-while-revalidate never beats the request's no-cache",
                        h("Cache-Control: max-age=60, stale-while-revalidate=30"), h("Cache-Control: no-cache"), 80, REVALIDATE),
                row("§5.2.1.7 only-if-cached, fresh", MAX_AGE_60, h("Cache-Control: only-if-cached"), 30, FRESH),
                row("§5.2.1.7 only-if-cached, stale: 504", MAX_AGE_60, h("Cache-Control: only-if-cached"), 120, GATEWAY_TIMEOUT),
                row("§5.2.1.7 only-if-cached, stale within max-stale", MAX_AGE_60, h("Cache-Control: only-if-cached, max-stale"), 120,
                        STALE_SERVABLE),
                row("§5.2.1.7 only-if-cached with no-cache: 504", MAX_AGE_60, h("Cache-Control: only-if-cached, no-cache"), 1,
                        GATEWAY_TIMEOUT),
                row("§5.2.1.7 only-if-cached within stale-while-revalidate",
                        h("Cache-Control: max-age=60, stale-while-revalidate=30"), h("Cache-Control: only-if-cached"), 80,
                        STALE_WHILE_REVALIDATE));
    }

    private static Arguments row(String rule, FieldList stored, FieldList request, long seconds, Lookup.Outcome outcome) {
        return arguments(rule, stored, request, seconds, null, outcome);
    }

    private static Arguments rowValid(String rule, FieldList stored, FieldList request, long seconds, Lookup.Outcome outcome) {
        return arguments(rule, stored, request, seconds, Duration.ofMinutes(10), outcome);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookups")
    void aStoredResponseIsUsedAsSection4Says(String rule, FieldList stored, FieldList request, long seconds,
            Duration cacheValid, Lookup.Outcome outcome) {
        Lookup lookup = Lookup.decide(stored(stored), request, T0 + seconds * 1000, cacheValid);
        assertEquals(outcome, lookup.outcome(), lookup.reason());
    }

    @Test
    void theDecisionCarriesTheAgeAndAReason() {
        Lookup lookup = Lookup.decide(stored(h("Cache-Control: max-age=60", "Age: 10")), NO_DIRECTIVES, T0 + 5_500, null);
        assertEquals(15_500, lookup.ageMillis());
        assertEquals(15, lookup.ageSeconds());
        assertEquals("fresh", lookup.reason());
        assertTrue(lookup.answersFromCache());

        Lookup stale = Lookup.decide(stored(MAX_AGE_60), h("Cache-Control: only-if-cached"), T0 + 120_000, null);
        assertEquals("only-if-cached, but stale", stale.reason());
        assertFalse(stale.answersFromCache());
    }

    /** Each row: rule, stored fields, request fields, seconds after T0, cache_use_stale, may serve stale on error. */
    static Stream<Arguments> errors() {
        return Stream.of(
                arguments("RFC 5861 §4 response stale-if-error, within", h("Cache-Control: max-age=60, stale-if-error=300"),
                        NO_DIRECTIVES, 200, false, true),
                arguments("RFC 5861 §4 response stale-if-error, past it", h("Cache-Control: max-age=60, stale-if-error=300"),
                        NO_DIRECTIVES, 400, false, false),
                arguments("RFC 5861 §4 request stale-if-error, within", MAX_AGE_60, h("Cache-Control: stale-if-error=300"),
                        200, false, true),
                arguments("RFC 5861 §4 request stale-if-error, past it", MAX_AGE_60, h("Cache-Control: stale-if-error=30"),
                        200, false, false),
                arguments("RFC 5861 §4 invalid stale-if-error is ignored", h("Cache-Control: max-age=60, stale-if-error=soon"),
                        NO_DIRECTIVES, 61, false, false),
                arguments("nothing allows it", MAX_AGE_60, NO_DIRECTIVES, 200, false, false),
                arguments("cache_use_stale allows it", MAX_AGE_60, NO_DIRECTIVES, 200, true, true),
                arguments("a fresh entry revalidated for a client's no-cache, cache_use_stale", MAX_AGE_60,
                        h("Cache-Control: no-cache"), 10, true, true),
                arguments("§5.2.2.2 must-revalidate beats stale-if-error", h("Cache-Control: max-age=60, must-revalidate, stale-if-error=300"),
                        NO_DIRECTIVES, 200, false, false),
                arguments("§5.2.2.2 must-revalidate beats cache_use_stale", h("Cache-Control: max-age=60, must-revalidate"),
                        NO_DIRECTIVES, 200, true, false),
                arguments("§5.2.2.8 proxy-revalidate beats cache_use_stale", h("Cache-Control: max-age=60, proxy-revalidate"),
                        NO_DIRECTIVES, 200, true, false),
                arguments("§5.2.2.4 no-cache beats cache_use_stale", h("Cache-Control: no-cache", "ETag: \"a\""),
                        NO_DIRECTIVES, 200, true, false),
                arguments("§5.2.2.10 s-maxage gives way to its own stale-if-error", h("Cache-Control: s-maxage=60, stale-if-error=300"),
                        NO_DIRECTIVES, 200, false, true),
                arguments("§5.2.2.10 s-maxage beats cache_use_stale", h("Cache-Control: s-maxage=60"), NO_DIRECTIVES, 200, true, false),
                arguments("§5.2.2.10 s-maxage beats the request's stale-if-error", h("Cache-Control: s-maxage=60"),
                        h("Cache-Control: stale-if-error=300"), 200, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void staleOnErrorOnlyWhenAllowed(String rule, FieldList stored, FieldList request, long seconds, boolean useStale,
            boolean expected) {
        assertEquals(expected, Lookup.staleOnError(stored(stored), request, T0 + seconds * 1000, null, useStale));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"500, true", "502, true", "503, true", "504, true", "501, false", "404, false", "200, false", "505, false"})
    void originErrorsAreTheFourOfRfc5861(int status, boolean error) {
        assertEquals(error, Lookup.isOriginError(status));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"GET, true", "HEAD, true", "POST, false", "get, false", "OPTIONS, false"})
    void onlyGetAndHeadUseTheCache(String method, boolean uses) {
        assertEquals(uses, Lookup.usesCache(method));
    }

    @Test
    void aMissForOnlyIfCachedIsA504() {
        assertTrue(Lookup.missAnswersGatewayTimeout(h("Cache-Control: max-stale, ONLY-IF-CACHED")));
        assertFalse(Lookup.missAnswersGatewayTimeout(h("Cache-Control: max-stale")));
    }
}
