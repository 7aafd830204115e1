package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.T0;
import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadFactsTest {
    /** The facts read once give what reading the fields every time gives, at any later moment. */
    @ParameterizedTest(name = "{0}; {1}; Age {2}; {3} s later")
    @CsvSource(delimiter = ';', value = {
        "max-age=60; -10; ; 30",
        "max-age=60; 0; 25; 0",
        "s-maxage=5, max-age=60; -100; ; 7",
        "; -3600; ; 10",
        "public; 0; 3; 100"})
    void factsReadOnceAgreeWithTheFieldsReadEachTime(String cacheControl, long dateOffset, String age, long later) {
        FieldList.Builder b = FieldList.builder().add("Date", at(dateOffset)).add("Last-Modified", at(-86_400));
        if (cacheControl != null) {
            b.add("Cache-Control", cacheControl);
        }
        if (age != null) {
            b.add("Age", age);
        }
        FieldList fields = b.build();
        StoredHead head = StoredHead.of(200, fields, T0 - 200, T0);
        HeadFacts facts = HeadFacts.of(head);
        long now = T0 + later * 1000;
        assertEquals(Freshness.currentAgeMillis(fields, T0 - 200, T0, now), facts.currentAgeMillis(now));
        for (Duration valid : new Duration[] {null, Duration.ofMinutes(5), Duration.ZERO, null}) {
            assertEquals(Freshness.lifetimeMillis(200, fields, T0, valid), facts.lifetimeMillis(valid), "cache_valid " + valid);
        }
    }

    @ParameterizedTest(name = "Expires {0}")
    @CsvSource({"60", "-60", "0"})
    void anExpiresLifetimeIsCountedFromTheStoredDate(long expiresOffset) {
        FieldList fields = h("Date: " + at(0), "Expires: " + at(expiresOffset));
        HeadFacts facts = HeadFacts.of(StoredHead.of(200, fields, T0, T0));
        assertEquals(Math.max(0, expiresOffset * 1000), facts.lifetimeMillis(null));
        assertEquals(5_000, facts.currentAgeMillis(T0 + 5_000));
    }
}
