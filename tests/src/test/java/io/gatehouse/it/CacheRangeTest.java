package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.CountingOrigin.Answer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client's {@code Range} answered from a stored answer (RFC 9110 §14), as nginx's range filter does
 * for a cached one: one range is a 206 of that part, a range past the end a 416, several ranges or an
 * {@code If-Range} that names another version the whole answer; the origin is not asked.
 */
@Timeout(30)
class CacheRangeTest {
    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.CACHING);

    static final String BODY = "0123456789abcdefghij";
    static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";

    private static Answer stored(String cacheControl) {
        return Answer.ok(BODY).with("ETag", "\"v1\"").with("Last-Modified", MODIFIED)
                .with("Content-Type", "text/plain").with("Cache-Control", cacheControl);
    }

    private static void assertPart(String body, String contentRange, String xCache, HttpResponse<String> r) {
        assertAnswer(206, body, xCache, r);
        assertEquals(contentRange, r.headers().firstValue("Content-Range").orElse(null));
        assertEquals(String.valueOf(body.length()), r.headers().firstValue("Content-Length").orElse(null));
        assertEquals("\"v1\"", r.headers().firstValue("ETag").orElse(null), "the stored fields go with the part");
        assertEquals("text/plain", r.headers().firstValue("Content-Type").orElse(null));
        assertTrue(CacheSite.age(r) >= 0, "a part from the cache carries Age: " + r.headers().map());
    }

    @Test
    void aRangeOfAStoredAnswerIsAPartFromTheCache() throws Exception {
        String path = "/range/parts";
        site.origin.on(path, stored("max-age=600"));
        assertAnswer(200, BODY, "MISS", site.get(path));

        assertPart("01234", "bytes 0-4/20", "HIT", site.get(path, "Range", "bytes=0-4"));
        assertPart("hij", "bytes 17-19/20", "HIT", site.get(path, "Range", "bytes=-3"));
        assertPart("fghij", "bytes 15-19/20", "HIT", site.get(path, "Range", "bytes=15-"));
        assertPart("j", "bytes 19-19/20", "HIT", site.get(path, "Range", "bytes=19-500"));
        assertPart("56789", "bytes 5-9/20", "HIT", site.get(path, "Range", "bytes=5-9", "If-Range", "\"v1\""));
        assertPart("56789", "bytes 5-9/20", "HIT", site.get(path, "Range", "bytes=5-9", "If-Range", MODIFIED));

        assertAnswer(200, BODY, "HIT", site.get(path, "Range", "bytes=0-1, 5-6"));
        assertAnswer(200, BODY, "HIT", site.get(path, "Range", "bytes=5-9", "If-Range", "\"v0\""));
        assertAnswer(200, BODY, "HIT", site.get(path, "Range", "bytes=9-5"));
        assertAnswer(200, BODY, "HIT", site.get(path, "Range", "lines=0-1"));
        HttpResponse<String> head = site.send("HEAD", path, "Range", "bytes=0-4");
        assertEquals(200, head.statusCode(), "a HEAD is answered as a whole");
        assertEquals("20", head.headers().firstValue("Content-Length").orElse(null));

        HttpResponse<String> outside = site.get(path, "Range", "bytes=20-");
        assertEquals(416, outside.statusCode());
        assertEquals("bytes */20", outside.headers().firstValue("Content-Range").orElse(null));
        assertEquals("HIT", CacheSite.xCache(outside));
        assertTrue(outside.body().contains("\"status\":416"), outside.body());

        assertEquals(1, site.origin.requests(path), "every range was answered from the one stored answer");
    }

    @Test
    void aRangeThatFindsNothingStoredGoesToTheOriginAsAskedAndIsNotStored() throws Exception {
        String path = "/range/miss";
        site.origin.on(path, stored("max-age=600"));
        assertAnswer(200, BODY, "MISS", site.get(path, "Range", "bytes=0-4"));
        assertEquals("bytes=0-4", site.origin.last(path).header("Range"), "the origin answers the range itself");
        assertAnswer(200, BODY, "MISS", site.get(path));
        assertPart("01234", "bytes 0-4/20", "HIT", site.get(path, "Range", "bytes=0-4"));
        assertEquals(2, site.origin.requests(path));
    }

    @Test
    void aStaleEntryIsRevalidatedWholeAndTheRangeIsAnsweredFromTheRefreshedEntry() throws Exception {
        String path = "/range/stale";
        site.origin.on(path, r -> "\"v1\"".equals(r.header("If-None-Match"))
                ? Answer.status(304, "").with("ETag", "\"v1\"").with("Cache-Control", "max-age=600")
                : stored("max-age=1"));
        long filled = System.nanoTime();
        assertAnswer(200, BODY, "MISS", site.get(path));
        CacheSite.waitPast(filled, 1_200);

        assertPart("abc", "bytes 10-12/20", "REVALIDATED", site.get(path, "Range", "bytes=10-12", "If-Range", "\"v1\""));
        CountingOrigin.Request asked = site.origin.last(path);
        assertEquals("\"v1\"", asked.header("If-None-Match"), "the cache asked with its own validator");
        assertNull(asked.header("Range"), "and for the whole answer");
        assertNull(asked.header("If-Range"));
        assertEquals(2, site.origin.requests(path));
    }
}
