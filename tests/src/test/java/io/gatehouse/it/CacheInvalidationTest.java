package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.it.CountingOrigin.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unsafe request that succeeds makes what is stored for its URL, and for the same-host
 * {@code Location} and {@code Content-Location} it answers with, go back to the origin (RFC 9111 §4.4);
 * one that fails changes nothing.
 */
@Timeout(30)
class CacheInvalidationTest {
    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.CACHING);

    /** GETs of {@code path} answer "v" and their number among the GETs, fresh for a minute. */
    private static void stored(String path) throws Exception {
        site.origin.on(path, r -> Answer.ok("v" + site.origin.requests("GET", path)).with("Cache-Control", "max-age=60"));
        assertAnswer(200, "v1", "MISS", site.get(path));
        assertAnswer(200, "v1", "HIT", site.get(path));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
    void aSuccessfulUnsafeRequestMakesTheNextGetAMiss(String method) throws Exception {
        String path = "/inval/" + method;
        site.origin.on(path, r -> r.method().equals("GET")
                ? Answer.ok("v" + site.origin.requests("GET", path)).with("Cache-Control", "max-age=60")
                : Answer.ok("done"));
        assertAnswer(200, "v1", "MISS", site.get(path));
        assertAnswer(200, "v1", "HIT", site.get(path));
        assertEquals("done", site.send(method, path).body());
        assertAnswer(200, "v2", "MISS", site.get(path));
        assertEquals(2, site.origin.requests("GET", path));
    }

    @Test
    void aSuccessfulUnsafeRequestInvalidatesEveryVariant() throws Exception {
        String path = "/inval/variants";
        site.origin.on(path, r -> r.method().equals("GET")
                ? Answer.ok(r.header("Accept-Language") + site.origin.requests("GET", path)).with("Vary", "Accept-Language")
                        .with("Cache-Control", "max-age=60")
                : Answer.status(204, ""));
        assertAnswer(200, "en1", "MISS", site.get(path, "Accept-Language", "en"));
        assertAnswer(200, "fr2", "MISS", site.get(path, "Accept-Language", "fr"));
        assertAnswer(200, "en1", "HIT", site.get(path, "Accept-Language", "en"));
        assertEquals(204, site.send("PUT", path).statusCode());
        assertAnswer(200, "en3", "MISS", site.get(path, "Accept-Language", "en"));
        assertAnswer(200, "fr4", "MISS", site.get(path, "Accept-Language", "fr"));
    }

    @Test
    void theSameHostsLocationAndContentLocationAreInvalidatedAndAnotherHostsAreNot() throws Exception {
        stored("/inval/location");
        stored("/inval/content-location");
        stored("/inval/elsewhere");
        String self = "http://127.0.0.1:" + site.gatehouse.port;
        site.origin.on("/inval/create", Answer.status(201, "created").with("Location", "/inval/location")
                .with("Content-Location", self + "/inval/content-location"));
        site.origin.on("/inval/create-elsewhere", Answer.status(201, "created")
                .with("Location", "http://other.test/inval/elsewhere")
                .with("Content-Location", "http://127.0.0.1:1/inval/elsewhere"));

        assertEquals(201, site.send("POST", "/inval/create").statusCode());
        assertEquals(201, site.send("POST", "/inval/create-elsewhere").statusCode());
        assertAnswer(200, "v2", "MISS", site.get("/inval/location"));
        assertAnswer(200, "v2", "MISS", site.get("/inval/content-location"));
        assertAnswer(200, "v1", "HIT", site.get("/inval/elsewhere"));
        assertEquals(1, site.origin.requests("GET", "/inval/elsewhere"));
    }

    @ParameterizedTest(name = "{0} answered {1}")
    @CsvSource({"POST, 404", "POST, 500", "DELETE, 403"})
    void aFailedUnsafeRequestInvalidatesNothing(String method, int status) throws Exception {
        String path = "/inval/failed/" + method + status;
        site.origin.on(path, r -> r.method().equals("GET")
                ? Answer.ok("v" + site.origin.requests("GET", path)).with("Cache-Control", "max-age=60")
                : Answer.status(status, "refused").with("Location", path));
        assertAnswer(200, "v1", "MISS", site.get(path));
        assertEquals(status, site.send(method, path).statusCode());
        assertAnswer(200, "v1", "HIT", site.get(path));
        assertEquals(1, site.origin.requests("GET", path));
    }
}
