package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.CountingOrigin.Answer;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the response cache stores, end to end (RFC 9111 §3): a second request answered from the cache
 * never reaches the origin, an answer that may not be stored is asked for again every time.
 */
@Timeout(30)
class CacheStoringTest {
    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.conf(true, "/valid = @valid", """
            [@valid]
            members = ${ORIGIN}
            cache_valid = 10m
            """));

    static final String LAST_WEEK = CacheSite.httpDate(ZonedDateTime.now(ZoneOffset.UTC).minusDays(7));

    @Test
    void aGetIsStoredAndTheNextGetIsAHitThatNeverReachesTheOrigin() throws Exception {
        site.origin.on("/store/get", Answer.ok("stored body").with("Cache-Control", "max-age=60"));
        HttpResponse<String> miss = site.get("/store/get");
        assertAnswer(200, "stored body", "MISS", miss);
        HttpResponse<String> hit = site.get("/store/get");
        assertAnswer(200, "stored body", "HIT", hit);
        assertTrue(CacheSite.age(hit) >= 0, "a hit carries Age: " + hit.headers().map());
        List<String> ids = hit.headers().allValues("X-Request-ID");
        assertEquals(1, ids.size(), "the hit's own request id, not the first client's too: " + ids);
        assertNotEquals(miss.headers().firstValue("X-Request-ID").orElseThrow(), ids.get(0));
        assertEquals(1, site.origin.requests("/store/get"));
    }

    @Test
    void aPostAnswerIsNotStored() throws Exception {
        site.origin.on("/store/post", r -> Answer.ok(r.method() + " " + r.number()).with("Cache-Control", "max-age=60"));
        assertEquals("POST 1", site.send("POST", "/store/post").body());
        assertEquals("POST 2", site.send("POST", "/store/post").body());
        assertAnswer(200, "GET 3", "MISS", site.get("/store/post"));
        assertEquals(3, site.origin.requests("/store/post"), "every request reached the origin");
    }

    @Test
    void aRequestThatSaysNoStoreNeitherUsesNorFillsTheCache() throws Exception {
        site.origin.on("/store/request-no-store", r -> Answer.ok("n" + r.number()).with("Cache-Control", "max-age=60"));
        assertAnswer(200, "n1", "BYPASS", site.get("/store/request-no-store", "Cache-Control", "no-store"));
        assertAnswer(200, "n2", "MISS", site.get("/store/request-no-store"));
        assertAnswer(200, "n2", "HIT", site.get("/store/request-no-store"));
        assertAnswer(200, "n3", "BYPASS", site.get("/store/request-no-store", "Cache-Control", "no-store"));
        assertEquals(3, site.origin.requests("/store/request-no-store"));
    }

    @ParameterizedTest(name = "Cache-Control: {0}")
    @CsvSource(delimiter = '|', value = {
        "no-store, max-age=60",
        "private, max-age=60",
        "max-age=60, no-store"})
    void anAnswerThatSaysNoStoreOrPrivateIsNotStored(String cacheControl) throws Exception {
        String path = "/store/refused/" + cacheControl.replaceAll("[^a-z0-9]", "");
        site.origin.on(path, r -> Answer.ok("n" + r.number()).with("Cache-Control", cacheControl));
        assertStored(false, path);
    }

    /** Only Last-Modified (a week ago): the heuristic lifetime applies only to statuses cacheable by default. */
    @ParameterizedTest(name = "status {0} stored: {1}")
    @CsvSource({"200, true", "404, true", "301, true", "500, false", "206, false"})
    void statusesCacheableByDefaultAreStoredAndOthersAreNot(int status, boolean stored) throws Exception {
        String path = "/store/status/" + status;
        Answer answer = Answer.status(status, "s" + status).with("Last-Modified", LAST_WEEK);
        if (status == 301) {
            answer = answer.with("Location", "/elsewhere");
        }
        if (status == 206) {
            answer = answer.with("Content-Range", "bytes 0-3/10").with("Cache-Control", "max-age=60");
        }
        site.origin.on(path, answer);
        assertAnswer(status, "s" + status, "MISS", site.get(path));
        HttpResponse<String> second = site.get(path);
        assertAnswer(status, "s" + status, stored ? "HIT" : "MISS", second);
        assertEquals(stored ? 1 : 2, site.origin.requests(path));
    }

    @ParameterizedTest(name = "Cache-Control: {0} stored: {1}")
    @CsvSource(delimiter = '|', value = {
        "max-age=60                   | false",
        "public, max-age=60           | true",
        "s-maxage=60                  | true",
        "max-age=60, must-revalidate  | true"})
    void anAnswerToAnAuthorizedRequestIsStoredOnlyWhenTheOriginSaysSharedCachesMayKeepIt(String cacheControl,
            boolean stored) throws Exception {
        String path = "/store/auth/" + cacheControl.replaceAll("[^a-z0-9]", "");
        site.origin.on(path, r -> Answer.ok("n" + r.number()).with("Cache-Control", cacheControl));
        assertStored(stored, path, "Authorization", "Bearer alice");
    }

    @ParameterizedTest(name = "Cache-Control: {0}")
    @CsvSource(delimiter = '|', value = {
        "public, max-age=60",
        "s-maxage=60",
        "max-age=60, private=\"Set-Cookie\""})
    void setCookieReachesTheClientWhoseRequestFilledTheEntryAndNoHit(String cacheControl) throws Exception {
        String path = "/store/cookie/" + cacheControl.replaceAll("[^a-z0-9]", "");
        site.origin.on(path, Answer.ok("with cookie").with("Cache-Control", cacheControl)
                .with("Set-Cookie", "session=alice"));
        HttpResponse<String> first = site.get(path);
        assertAnswer(200, "with cookie", "MISS", first);
        assertEquals("session=alice", first.headers().firstValue("Set-Cookie").orElse(null));
        HttpResponse<String> hit = site.get(path);
        assertAnswer(200, "with cookie", "HIT", hit);
        assertFalse(hit.headers().firstValue("Set-Cookie").isPresent(), "another client's cookie: " + hit.headers().map());
        assertEquals(1, site.origin.requests(path));
    }

    @Test
    void anAnswerWithSetCookieThatDoesNotAddressSharedCachesIsNotStored() throws Exception {
        site.origin.on("/store/cookie-private", r -> Answer.ok("n" + r.number()).with("Cache-Control", "max-age=60")
                .with("Set-Cookie", "session=" + r.number()));
        assertEquals("session=1", site.get("/store/cookie-private").headers().firstValue("Set-Cookie").orElse(null));
        HttpResponse<String> second = site.get("/store/cookie-private");
        assertAnswer(200, "n2", "MISS", second);
        assertEquals("session=2", second.headers().firstValue("Set-Cookie").orElse(null), "each client its own cookie");
    }

    @Test
    void aFieldNamedByNoCacheOrPrivateIsNotStored() throws Exception {
        site.origin.on("/store/named-field", Answer.ok("named").with("Cache-Control", "max-age=60, no-cache=\"X-Secret\"")
                .with("X-Secret", "for the first client").with("X-Public", "for all"));
        HttpResponse<String> first = site.get("/store/named-field");
        assertEquals("for the first client", first.headers().firstValue("X-Secret").orElse(null));
        HttpResponse<String> hit = site.get("/store/named-field");
        assertAnswer(200, "named", "HIT", hit);
        assertFalse(hit.headers().firstValue("X-Secret").isPresent(), hit.headers().map().toString());
        assertEquals("for all", hit.headers().firstValue("X-Public").orElse(null));
        assertEquals(1, site.origin.requests("/store/named-field"));
    }

    /**
     * An answer with no freshness and no validator is not stored, unless the cluster's {@code cache_valid}
     * ({@code /valid}) gives it a lifetime; {@code cache_valid} never overrides what the origin says.
     */
    @ParameterizedTest(name = "{0} with Cache-Control: {1}: stored {2}")
    @CsvSource(delimiter = '|', value = {
        "/store/bare    |          | false",
        "/valid/bare    |          | true",
        "/valid/private | private  | false",
        "/valid/nostore | no-store | false"})
    void anAnswerWithoutALifetimeOrValidatorIsStoredOnlyForCacheValid(String path, String cacheControl, boolean stored)
            throws Exception {
        site.origin.on(path, r -> cacheControl == null ? Answer.ok("n" + r.number())
                : Answer.ok("n" + r.number()).with("Cache-Control", cacheControl));
        assertStored(stored, path);
    }

    /**
     * Two GETs of {@code path} (with {@code headers}), whose origin answers "n" and its request's number:
     * the second is a hit on the first when it was stored (one origin request), else a miss (two).
     */
    private static void assertStored(boolean stored, String path, String... headers) throws Exception {
        assertAnswer(200, "n1", "MISS", site.get(path, headers));
        assertAnswer(200, stored ? "n1" : "n2", stored ? "HIT" : "MISS", site.get(path, headers));
        assertEquals(stored ? 1 : 2, site.origin.requests(path));
    }
}
