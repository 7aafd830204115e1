package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.T0;
import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FreshnessTest {
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    /** Each row: rule, status, response fields (received at T0), cache_valid, expected lifetime in seconds. */
    static Stream<Arguments> lifetimes() {
        return Stream.of(
                row("§4.2.1 s-maxage first", 200, h("Cache-Control: max-age=60, s-maxage=10"), null, 10),
                row("§4.2.1 max-age", 200, h("Cache-Control: max-age=60"), null, 60),
                row("§4.2.1 max-age over Expires", 200, h("Cache-Control: max-age=60", "Date: " + at(0), "Expires: " + at(3600)), null, 60),
                row("§4.2.1 an invalid max-age is stale, Expires notwithstanding",
                        200, h("Cache-Control: max-age=abc", "Expires: " + at(3600)), null, 0),
                row("§4.2.1 an invalid s-maxage is stale, max-age notwithstanding",
                        200, h("Cache-Control: s-maxage=x, max-age=60"), null, 0),
                row("§4.2.1 max-age repeated with two values is stale", 200, h("Cache-Control: max-age=60, max-age=5"), null, 0),
                row("§1.2.2 a huge max-age is 2^31 seconds", 200, h("Cache-Control: max-age=999999999999999"), null, 2_147_483_648L),
                row("§4.2.1 Expires minus Date", 200, h("Date: " + at(0), "Expires: " + at(300)), null, 300),
                row("§4.2.1 Expires minus Date, the origin's clock 100 s slow",
                        200, h("Date: " + at(-100), "Expires: " + at(200)), null, 300),
                row("§4.2.1 Expires minus Date, the origin's clock 100 s fast",
                        200, h("Date: " + at(100), "Expires: " + at(400)), null, 300),
                row("§4.2.1 Expires without Date: minus the response time", 200, h("Expires: " + at(120)), null, 120),
                row("§4.2.1 Expires with an invalid Date: minus the response time",
                        200, h("Date: yesterday", "Expires: " + at(120)), null, 120),
                row("§4.2.1 Expires in the past", 200, h("Date: " + at(0), "Expires: " + at(-10)), null, 0),
                row("§5.3 an invalid Expires is already expired", 200, h("Expires: 0", "Last-Modified: " + at(-10_000)), null, 0),
                row("§4.2.1 two Expires that disagree are stale",
                        200, h("Date: " + at(0), "Expires: " + at(60), "Expires: " + at(600)), null, 0),
                row("§4.2.1 two equal Expires", 200, h("Date: " + at(0), "Expires: " + at(60), "Expires: " + at(60)), null, 60),
                row("§4.2.2 heuristic: 10 % of Date minus Last-Modified",
                        200, h("Date: " + at(0), "Last-Modified: " + at(-1000)), null, 100),
                row("§4.2.2 heuristic without Date uses the response time", 200, h("Last-Modified: " + at(-1000)), null, 100),
                row("§4.2.2 heuristic capped at one day", 200, h("Date: " + at(0), "Last-Modified: " + at(-30 * 86_400)), null, 86_400),
                row("§4.2.2 heuristic for 404", 404, h("Last-Modified: " + at(-1000)), null, 100),
                row("§4.2.2 no heuristic for 302", 302, h("Last-Modified: " + at(-1000)), null, 0),
                row("§4.2.2 no heuristic for 500", 500, h("Last-Modified: " + at(-1000)), null, 0),
                row("§4.2.2 heuristic for 302 with public", 302, h("Cache-Control: public", "Last-Modified: " + at(-1000)), null, 100),
                row("§4.2.2 no heuristic beside max-age=0", 200, h("Cache-Control: max-age=0", "Last-Modified: " + at(-1000)), null, 0),
                row("§4.2.2 no heuristic beside an invalid Expires", 200, h("Expires: never", "Last-Modified: " + at(-1000)), null, 0),
                row("Last-Modified after Date gives nothing", 200, h("Date: " + at(0), "Last-Modified: " + at(50)), null, 0),
                row("no freshness information", 200, h("ETag: \"a\""), null, 0),
                row("cache_valid for a response without any", 200, h(), TEN_MINUTES, 600),
                row("cache_valid replaces the heuristic", 200, h("Last-Modified: " + at(-1000)), TEN_MINUTES, 600),
                row("cache_valid never replaces max-age", 200, h("Cache-Control: max-age=5"), TEN_MINUTES, 5),
                row("cache_valid never replaces Expires", 200, h("Date: " + at(0), "Expires: " + at(30)), TEN_MINUTES, 30),
                row("cache_valid only where a heuristic may apply: not 302", 302, h(), TEN_MINUTES, 0),
                row("cache_valid for 302 with public", 302, h("Cache-Control: public"), TEN_MINUTES, 600),
                row("cache_valid is capped at 2^31 seconds", 200, h(), Duration.ofSeconds(Long.MAX_VALUE), 2_147_483_648L),
                row("cache_valid negative is nothing", 200, h(), Duration.ofSeconds(-5), 0),
                row("§5.2.2.5 immutable changes nothing", 200, h("Cache-Control: max-age=60, immutable"), null, 60));
    }

    private static Arguments row(String rule, int status, FieldList fields, Duration cacheValid, long seconds) {
        return arguments(rule, status, fields, cacheValid, seconds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifetimes")
    void lifetimeFollowsSection421(String rule, int status, FieldList fields, Duration cacheValid, long seconds) {
        assertEquals(seconds * 1000, Freshness.lifetimeMillis(status, fields, T0, cacheValid));
        assertEquals(seconds * 1000, Freshness.lifetimeMillis(StoredHead.of(status, fields, T0 - 5000, T0), cacheValid));
    }

    /**
     * Each row: rule, response fields, request sent (ms before T0), response received at T0, now (ms after
     * T0), expected current age in ms.
     */
    static Stream<Arguments> ages() {
        return Stream.of(
                age("§4.2.3 just received, no Date, no Age", h(), 0, 0, 0),
                age("§4.2.3 resident time", h(), 0, 10_000, 10_000),
                age("§4.2.3 Date at the response time", h("Date: " + at(0)), 0, 0, 0),
                age("§4.2.3 Age adds to the resident time", h("Age: 100"), 0, 5_000, 105_000),
                age("§4.2.3 Age is corrected by the response delay", h("Age: 100"), 2_000, 0, 102_000),
                age("§4.2.3 clock skew: Date 30 s behind gives an apparent age", h("Date: " + at(-30)), 0, 0, 30_000),
                age("§4.2.3 clock skew: Date 30 s ahead gives none", h("Date: " + at(30)), 0, 0, 0),
                age("§4.2.3 the larger of apparent age and corrected Age", h("Date: " + at(-30), "Age: 10"), 1_000, 0, 30_000),
                age("§4.2.3 the larger of corrected Age and apparent age", h("Date: " + at(-5), "Age: 10"), 1_000, 0, 11_000),
                age("§5.1 an invalid Age is ignored", h("Age: abc"), 0, 0, 0),
                age("§5.1 a negative Age is ignored", h("Age: -5"), 0, 0, 0),
                age("§5.1 a list Age: the first member", h("Age: 5, 100"), 0, 0, 5_000),
                age("§5.1 two Age lines: the first", h("Age: 5", "Age: 100"), 0, 0, 5_000),
                age("§1.2.2 a huge Age is 2^31 seconds", h("Age: 99999999999999"), 0, 0, 2_147_483_648_000L),
                age("an invalid Date is the response time", h("Date: soon"), 0, 7_000, 7_000),
                age("the local clock stepped back: no negative resident time", h("Age: 3"), 0, -60_000, 3_000));
    }

    private static Arguments age(String rule, FieldList fields, long delay, long nowAfter, long expected) {
        return arguments(rule, fields, delay, nowAfter, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ages")
    void currentAgeFollowsSection423(String rule, FieldList fields, long delay, long nowAfter, long expected) {
        assertEquals(expected, Freshness.currentAgeMillis(fields, T0 - delay, T0, T0 + nowAfter));
        assertEquals(expected, Freshness.currentAgeMillis(StoredHead.of(200, fields, T0 - delay, T0), T0 + nowAfter));
    }

    @ParameterizedTest(name = "{0} ms -> Age: {1}")
    @CsvSource({
            "0, 0",
            "999, 0",
            "1000, 1",
            "61999, 61",
            "-5000, 0",
            "2147483648000, 2147483648",
            "9223372036854775807, 2147483648",
    })
    void theAgeSentIsWholeSecondsCappedAt2To31(long millis, long seconds) {
        assertEquals(seconds, Freshness.ageSeconds(millis));
    }
}
