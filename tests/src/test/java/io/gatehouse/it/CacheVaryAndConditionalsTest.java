package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.it.CountingOrigin.Answer;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Answers that vary (RFC 9111 §4.1) are kept apart per request, and a client's own conditional request
 * (RFC 9110 §13) is answered from the stored entry, with 304 when it holds what is stored.
 */
@Timeout(30)
class CacheVaryAndConditionalsTest {
    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.CACHING);
    static final AtomicInteger CASES = new AtomicInteger();

    static final ZonedDateTime MODIFIED = ZonedDateTime.now(ZoneOffset.UTC).minusDays(1).withNano(0);


    @Test
    void twoVariantsOfOneUrlAreStoredApart() throws Exception {
        site.origin.on("/vary/encoding", r -> Answer.ok("body for " + r.header("Accept-Encoding"))
                .with("Vary", "Accept-Encoding").with("Cache-Control", "max-age=60"));
        assertAnswer(200, "body for gzip", "MISS", site.get("/vary/encoding", "Accept-Encoding", "gzip"));
        assertAnswer(200, "body for br", "MISS", site.get("/vary/encoding", "Accept-Encoding", "br"));
        assertAnswer(200, "body for gzip", "HIT", site.get("/vary/encoding", "Accept-Encoding", "gzip"));
        assertAnswer(200, "body for br", "HIT", site.get("/vary/encoding", "Accept-Encoding", "br"));
        assertEquals(2, site.origin.requests("/vary/encoding"));
    }

    /**
     * While the gzip variant is being revalidated (the origin holds its 304), a request for the br variant,
     * which is not stored, must not be answered with the gzip variant the 304 refreshes.
     */
    @Test
    void aRequestForAnotherVariantIsNeverAnsweredWithTheVariantBeingRevalidated() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        site.origin.on("/vary/revalidated", r -> {
            String encoding = r.header("Accept-Encoding");
            if (r.header("If-None-Match") != null) {
                release.await(10, TimeUnit.SECONDS);
                return Answer.status(304, "").with("ETag", r.header("If-None-Match")).with("Cache-Control", "max-age=60");
            }
            return Answer.ok("body for " + encoding).with("Vary", "Accept-Encoding").with("ETag", "\"" + encoding + "\"")
                    .with("Cache-Control", "max-age=1");
        });
        long filled = System.nanoTime();
        assertAnswer(200, "body for gzip", "MISS", site.get("/vary/revalidated", "Accept-Encoding", "gzip"));
        CacheSite.waitPast(filled, 1_200);
        try {
            CompletableFuture<HttpResponse<String>> gzip = site.getAsync("/vary/revalidated", "Accept-Encoding", "gzip");
            site.origin.awaitRequests("/vary/revalidated", 2);
            CompletableFuture<HttpResponse<String>> br = site.getAsync("/vary/revalidated", "Accept-Encoding", "br");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (site.origin.requests("/vary/revalidated") < 3 && !br.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            release.countDown();
            assertAnswer(200, "body for gzip", "REVALIDATED", gzip.get(5, TimeUnit.SECONDS));
            HttpResponse<String> other = br.get(5, TimeUnit.SECONDS);
            assertEquals("body for br", other.body(), other.headers().map().toString());
        } finally {
            release.countDown();
        }
    }

    @Test
    void varyStarIsNeverMatched() throws Exception {
        site.origin.on("/vary/star", r -> Answer.ok("v" + r.number()).with("Vary", "*").with("Cache-Control", "max-age=60"));
        assertAnswer(200, "v1", "MISS", site.get("/vary/star"));
        assertAnswer(200, "v2", "MISS", site.get("/vary/star"));
        assertEquals(2, site.origin.requests("/vary/star"));
    }

    /** The stored answer has {@code ETag: <etag>} and a Last-Modified a day ago. */
    @ParameterizedTest(name = "stored ETag {0}, request {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "\"v1\"   | If-None-Match: \"v1\"            | 304",
        "\"v1\"   | If-None-Match: W/\"v1\"          | 304",
        "W/\"v1\" | If-None-Match: \"v1\"            | 304",
        "\"v1\"   | If-None-Match: \"v0\", \"v1\"    | 304",
        "\"v1\"   | If-None-Match: *                 | 304",
        "\"v1\"   | If-None-Match: \"v2\"            | 200",
        "\"v1\"   | If-Modified-Since: MODIFIED      | 304",
        "\"v1\"   | If-Modified-Since: BEFORE        | 200",
        "\"v1\"   | If-None-Match: \"v2\"; If-Modified-Since: MODIFIED | 200"})
    void aClientsConditionalRequestIsAnsweredFromTheCache(String etag, String conditions, int status) throws Exception {
        String path = "/cond/" + CASES.incrementAndGet();
        site.origin.on(path, Answer.ok("the body").with("ETag", etag).with("Cache-Control", "max-age=60")
                .with("Last-Modified", CacheSite.httpDate(MODIFIED)));
        assertAnswer(200, "the body", "MISS", site.get(path));
        HttpResponse<String> answer = site.get(path, headers(conditions));
        assertEquals(status, answer.statusCode(), conditions + ": " + answer.headers().map());
        assertEquals(status == 304 ? "" : "the body", answer.body());
        assertEquals("HIT", CacheSite.xCache(answer));
        if (status == 304) {
            assertEquals(etag, answer.headers().firstValue("ETag").orElse(null), "a 304 names what the client holds");
        }
        assertEquals(1, site.origin.requests(path), "answered without the origin");
    }

    private static String[] headers(String conditions) {
        String[] fields = conditions.split("; ");
        String[] out = new String[fields.length * 2];
        for (int i = 0; i < fields.length; i++) {
            int colon = fields[i].indexOf(": ");
            out[2 * i] = fields[i].substring(0, colon);
            out[2 * i + 1] = fields[i].substring(colon + 2)
                    .replace("MODIFIED", CacheSite.httpDate(MODIFIED))
                    .replace("BEFORE", CacheSite.httpDate(MODIFIED.minusHours(1)));
        }
        return out;
    }
}
