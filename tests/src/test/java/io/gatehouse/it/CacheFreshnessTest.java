package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.CountingOrigin.Answer;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a stored answer stays fresh and how old it says it is (RFC 9111 §4.2, §5.1), end to end:
 * fresh answers are hits, stale ones go back to the origin. The origin sends no {@code Date} unless a
 * test says so, so an answer's age starts when Gatehouse received it.
 */
@Timeout(30)
class CacheFreshnessTest {
    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.CACHING);

    @Test
    void anAnswerIsAHitForItsMaxAgeAndGoesBackToTheOriginAfterIt() throws Exception {
        site.origin.on("/fresh/max-age", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=2"));
        long filled = System.nanoTime();
        assertAnswer(200, "v1", "MISS", site.get("/fresh/max-age"));
        assertAnswer(200, "v1", "HIT", site.get("/fresh/max-age"));
        assertEquals(1, site.origin.requests("/fresh/max-age"));
        CacheSite.waitPast(filled, 2_200);
        assertAnswer(200, "v2", "EXPIRED", site.get("/fresh/max-age"));
        assertAnswer(200, "v2", "HIT", site.get("/fresh/max-age"));
        assertEquals(2, site.origin.requests("/fresh/max-age"));
    }

    @Test
    void sMaxAgeWinsOverMaxAgeEitherWay() throws Exception {
        site.origin.on("/fresh/s-longer", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=1, s-maxage=60"));
        site.origin.on("/fresh/s-shorter", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=60, s-maxage=1"));
        long filled = System.nanoTime();
        assertAnswer(200, "v1", "MISS", site.get("/fresh/s-longer"));
        assertAnswer(200, "v1", "MISS", site.get("/fresh/s-shorter"));
        CacheSite.waitPast(filled, 1_200);
        assertAnswer(200, "v1", "HIT", site.get("/fresh/s-longer"));
        assertAnswer(200, "v2", "EXPIRED", site.get("/fresh/s-shorter"));
        assertEquals(1, site.origin.requests("/fresh/s-longer"));
        assertEquals(2, site.origin.requests("/fresh/s-shorter"));
    }

    @Test
    void expiresCountsFromTheOriginsDateNotFromTheLocalClock() throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        // An origin whose clock is an hour ahead: Expires - Date is 1 s, Expires - now is an hour.
        ZonedDateTime ahead = now.plusHours(1);
        site.origin.on("/fresh/expires-skewed", r -> Answer.ok("v" + r.number()).with("Date", CacheSite.httpDate(ahead))
                .with("Expires", CacheSite.httpDate(ahead.plusSeconds(1))));
        site.origin.on("/fresh/expires-minute", r -> Answer.ok("v" + r.number()).with("Date", CacheSite.httpDate(now))
                .with("Expires", CacheSite.httpDate(now.plusSeconds(60))));
        site.origin.on("/fresh/expires-at-date", r -> Answer.ok("v" + r.number()).with("Date", CacheSite.httpDate(now))
                .with("Expires", CacheSite.httpDate(now)));
        long filled = System.nanoTime();
        assertAnswer(200, "v1", "MISS", site.get("/fresh/expires-skewed"));
        assertAnswer(200, "v1", "MISS", site.get("/fresh/expires-minute"));
        assertAnswer(200, "v1", "HIT", site.get("/fresh/expires-minute"));
        assertAnswer(200, "v1", "MISS", site.get("/fresh/expires-at-date"));
        assertAnswer(200, "v2", "MISS", site.get("/fresh/expires-at-date")); // no lifetime, no validator: not stored
        CacheSite.waitPast(filled, 1_300);
        assertAnswer(200, "v2", "EXPIRED", site.get("/fresh/expires-skewed"));
        assertAnswer(200, "v1", "HIT", site.get("/fresh/expires-minute"));
        assertEquals(1, site.origin.requests("/fresh/expires-minute"));
    }

    @Test
    void anInvalidExpiresMeansAlreadyExpired() throws Exception {
        site.origin.on("/fresh/expires-invalid", r -> "\"e\"".equals(r.header("If-None-Match"))
                ? Answer.status(304, "").with("ETag", "\"e\"")
                : Answer.ok("body").with("Expires", "0").with("ETag", "\"e\""));
        assertAnswer(200, "body", "MISS", site.get("/fresh/expires-invalid"));
        assertAnswer(200, "body", "REVALIDATED", site.get("/fresh/expires-invalid"));
        assertEquals(2, site.origin.requests("/fresh/expires-invalid"));
    }

    @Test
    void theAgeOfAHitGrowsWithTheTimeInTheCache() throws Exception {
        site.origin.on("/fresh/age", Answer.ok("aging").with("Cache-Control", "max-age=60"));
        long filled = System.nanoTime();
        HttpResponse<String> miss = site.get("/fresh/age");
        assertAnswer(200, "aging", "MISS", miss);
        HttpResponse<String> hit = site.get("/fresh/age");
        assertAnswer(200, "aging", "HIT", hit);
        assertEquals(0, CacheSite.age(hit), "just stored: " + hit.headers().map());
        CacheSite.waitPast(filled, 1_100);
        HttpResponse<String> later = site.get("/fresh/age");
        assertAnswer(200, "aging", "HIT", later);
        assertTrue(CacheSite.age(later) >= 1, "a second later: " + later.headers().map());
        assertEquals(1, site.origin.requests("/fresh/age"));
    }

    @Test
    void theOriginsAgeCountsInTheAgeAndInTheFreshness() throws Exception {
        site.origin.on("/fresh/origin-age-young", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=600")
                .with("Age", "100"));
        site.origin.on("/fresh/origin-age-old", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=60")
                .with("Age", "100"));
        assertAnswer(200, "v1", "MISS", site.get("/fresh/origin-age-young"));
        HttpResponse<String> hit = site.get("/fresh/origin-age-young");
        assertAnswer(200, "v1", "HIT", hit);
        assertTrue(CacheSite.age(hit) >= 100 && CacheSite.age(hit) < 110, "the origin's 100 s and then some: "
                + hit.headers().map());
        // Stale on arrival (100 s old, fresh for 60): the next request goes to the origin.
        assertAnswer(200, "v1", "MISS", site.get("/fresh/origin-age-old"));
        HttpResponse<String> again = site.get("/fresh/origin-age-old");
        assertEquals("v2", again.body(), again.headers().map().toString());
        assertEquals(2, site.origin.requests("/fresh/origin-age-old"));
    }
}
