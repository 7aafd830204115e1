package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gatehouse.it.CountingOrigin.Answer;
import io.gatehouse.it.CountingOrigin.Script;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stale and reloaded entries are revalidated with the origin (RFC 9111 §4.3): the cache asks with its
 * validator, a 304 refreshes the stored entry and the client still gets the whole answer, a new answer
 * replaces it; and the request directives that ask for that, or for less (§5.2.1), are honoured.
 */
@Timeout(30)
class CacheRevalidationTest {
    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.CACHING);

    /**
     * An origin of one version, {@code "v1"}: 200 with the body, ETag and {@code cacheControl}, or a 304
     * (with {@code X-Version: 2} and {@code Cache-Control: max-age=60}) to a request that has its ETag.
     */
    private static Script validating(String body, String cacheControl) {
        return r -> "\"v1\"".equals(r.header("If-None-Match"))
                ? Answer.status(304, "").with("ETag", "\"v1\"").with("Cache-Control", "max-age=60").with("X-Version", "2")
                : Answer.ok(body).with("ETag", "\"v1\"").with("Cache-Control", cacheControl).with("X-Version", "1");
    }

    @Test
    void aStaleEntryIsRevalidatedAndA304AnswersWithTheStoredBodyAndTheNewFields() throws Exception {
        site.origin.on("/reval/304", validating("the body", "max-age=1"));
        long filled = System.nanoTime();
        assertAnswer(200, "the body", "MISS", site.get("/reval/304"));
        CacheSite.waitPast(filled, 1_200);
        HttpResponse<String> revalidated = site.get("/reval/304");
        assertAnswer(200, "the body", "REVALIDATED", revalidated);
        assertEquals("2", revalidated.headers().firstValue("X-Version").orElse(null), "the 304's fields are stored");
        assertEquals(2, site.origin.requests("/reval/304"));
        assertEquals("\"v1\"", site.origin.last("/reval/304").header("If-None-Match"), "the cache asked with its ETag");

        HttpResponse<String> hit = site.get("/reval/304");
        assertAnswer(200, "the body", "HIT", hit);
        assertEquals("2", hit.headers().firstValue("X-Version").orElse(null));
        assertEquals("max-age=60", hit.headers().firstValue("Cache-Control").orElse(null), "the 304's lifetime");
        assertEquals(2, site.origin.requests("/reval/304"));
    }

    @Test
    void aStaleEntryTheOriginAnswersInFullIsReplaced() throws Exception {
        site.origin.on("/reval/new", r -> Answer.ok("v" + r.number()).with("ETag", "\"v" + r.number() + "\"")
                .with("Cache-Control", r.number() == 1 ? "max-age=1" : "max-age=60"));
        long filled = System.nanoTime();
        assertAnswer(200, "v1", "MISS", site.get("/reval/new"));
        CacheSite.waitPast(filled, 1_200);
        assertAnswer(200, "v2", "EXPIRED", site.get("/reval/new"));
        assertEquals("\"v1\"", site.origin.last("/reval/new").header("If-None-Match"));
        assertAnswer(200, "v2", "HIT", site.get("/reval/new"));
        assertEquals(2, site.origin.requests("/reval/new"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "Cache-Control, no-cache",
        "Pragma, no-cache",
        "Cache-Control, max-age=0"})
    void aReloadRevalidatesAFreshEntryInsteadOfFetchingItAgain(String name, String value) throws Exception {
        String path = "/reval/reload/" + name + "-" + value;
        site.origin.on(path, validating("reloaded body", "max-age=600"));
        assertAnswer(200, "reloaded body", "MISS", site.get(path));
        assertAnswer(200, "reloaded body", "HIT", site.get(path));
        assertEquals(1, site.origin.requests(path));
        HttpResponse<String> reload = site.get(path, name, value);
        assertAnswer(200, "reloaded body", "REVALIDATED", reload);
        assertEquals(2, site.origin.requests(path));
        assertEquals("\"v1\"", site.origin.last(path).header("If-None-Match"), "a conditional request, not a full fetch");
    }

    @Test
    void anAnswerThatSaysNoCacheIsStoredButRevalidatedEveryTime() throws Exception {
        site.origin.on("/reval/no-cache", validating("body", "no-cache"));
        assertAnswer(200, "body", "MISS", site.get("/reval/no-cache"));
        assertAnswer(200, "body", "REVALIDATED", site.get("/reval/no-cache"));
        assertEquals("\"v1\"", site.origin.last("/reval/no-cache").header("If-None-Match"));
        assertEquals(2, site.origin.requests("/reval/no-cache"));
    }

    @Test
    void aClientsOwnConditionalOnAStaleEntryGetsA304AfterTheCacheRevalidated() throws Exception {
        site.origin.on("/reval/client-304", validating("body", "max-age=1"));
        long filled = System.nanoTime();
        assertAnswer(200, "body", "MISS", site.get("/reval/client-304"));
        CacheSite.waitPast(filled, 1_200);
        HttpResponse<String> r = site.get("/reval/client-304", "If-None-Match", "\"v1\"");
        assertEquals(304, r.statusCode(), r.headers().map().toString());
        assertEquals("REVALIDATED", CacheSite.xCache(r));
        assertEquals(2, site.origin.requests("/reval/client-304"));
    }

    @Test
    void aHeadForAStaleEntryLeavesTheStoredBodyWhole() throws Exception {
        site.origin.on("/reval/head", r -> Answer.ok("body " + r.number()).with("Cache-Control", "max-age=1"));
        long filled = System.nanoTime();
        assertAnswer(200, "body 1", "MISS", site.get("/reval/head"));
        CacheSite.waitPast(filled, 1_200);
        HttpResponse<String> head = site.send("HEAD", "/reval/head");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("HEAD", site.origin.last("/reval/head").method());
        // The HEAD's answer (its 200 has no body) did not replace the stored GET: still the stale entry.
        assertAnswer(200, "body 3", "EXPIRED", site.get("/reval/head"));
        assertAnswer(200, "body 3", "HIT", site.get("/reval/head"));
    }

    @Test
    void onlyIfCachedIsA504WhenNothingIsStoredAndAHitWhenItIs() throws Exception {
        site.origin.on("/reval/only-if-cached", Answer.ok("cached").with("Cache-Control", "max-age=60"));
        HttpResponse<String> miss = site.get("/reval/only-if-cached", "Cache-Control", "only-if-cached");
        assertEquals(504, miss.statusCode(), miss.body());
        assertEquals(0, site.origin.requests("/reval/only-if-cached"), "the origin is not asked");
        assertAnswer(200, "cached", "MISS", site.get("/reval/only-if-cached"));
        assertAnswer(200, "cached", "HIT", site.get("/reval/only-if-cached", "Cache-Control", "only-if-cached"));
        assertEquals(1, site.origin.requests("/reval/only-if-cached"));
    }

    @Test
    void minFreshRevalidatesAnEntryThatWillNotStayFreshThatLong() throws Exception {
        site.origin.on("/reval/min-fresh", validating("body", "max-age=60"));
        assertAnswer(200, "body", "MISS", site.get("/reval/min-fresh"));
        assertAnswer(200, "body", "HIT", site.get("/reval/min-fresh", "Cache-Control", "min-fresh=30"));
        assertEquals(1, site.origin.requests("/reval/min-fresh"));
        assertAnswer(200, "body", "REVALIDATED", site.get("/reval/min-fresh", "Cache-Control", "min-fresh=120"));
        assertEquals(2, site.origin.requests("/reval/min-fresh"));
    }

    @Test
    void maxStaleLetsAStaleEntryAnswerWithoutTheOriginUnlessItMustBeRevalidated() throws Exception {
        site.origin.on("/reval/max-stale", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=1"));
        site.origin.on("/reval/must-revalidate", r -> Answer.ok("v" + r.number())
                .with("Cache-Control", "max-age=1, must-revalidate"));
        long filled = System.nanoTime();
        assertAnswer(200, "v1", "MISS", site.get("/reval/max-stale"));
        assertAnswer(200, "v1", "MISS", site.get("/reval/must-revalidate"));
        CacheSite.waitPast(filled, 1_200);
        assertAnswer(200, "v2", "EXPIRED", site.get("/reval/must-revalidate", "Cache-Control", "max-stale=60"));
        HttpResponse<String> stale = site.get("/reval/max-stale", "Cache-Control", "max-stale=60");
        assertAnswer(200, "v1", "STALE", stale);
        assertEquals(1, site.origin.requests("/reval/max-stale"), "a stale answer the client accepts");
        assertAnswer(200, "v2", "EXPIRED", site.get("/reval/max-stale"));
        assertEquals(2, site.origin.requests("/reval/max-stale"));
    }

    @Test
    void aClientsOwnValidatorIsNotTheOneTheCacheRevalidatesWith() throws Exception {
        site.origin.on("/reval/client-etag", validating("body", "max-age=600"));
        assertAnswer(200, "body", "MISS", site.get("/reval/client-etag", "If-None-Match", "\"other\""));
        assertNull(site.origin.last("/reval/client-etag").header("If-None-Match"),
                "a fill asks for the whole answer, whatever the client holds");
    }
}
