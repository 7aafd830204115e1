package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.CountingOrigin.Answer;
import io.gatehouse.log.RequestLogFormatter;
import io.gatehouse.log.RequestLogJson;
import io.gatehouse.log.RequestLogRecord;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the configuration controls: whether a cluster is cached at all ({@code [proxypass]},
 * {@code cache = yes | no}), what tells two entries apart ({@code cache_key}), and what an answer and
 * the request log say about the cache ({@code X-Cache}, the log's {@code cache} after the 17 fields).
 */
@Timeout(30)
class CacheControlKeysTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.conf(true, """
            /nocache = @nocache
            /noquery = @noquery
            /tenant = @tenant""", """
            [@nocache]
            members = ${ORIGIN}
            cache = no

            [@noquery]
            members = ${ORIGIN}
            cache_key = scheme host path

            [@tenant]
            members = ${ORIGIN}
            cache_key = scheme host path query header:X-Tenant
            """));

    private static final Answer CACHEABLE = Answer.ok("cacheable").with("Cache-Control", "public, max-age=60");

    @Test
    void withNoProxypassSectionNothingIsCachedAndAnswersSayNothingAboutACache() throws Exception {
        try (CacheSite plain = CacheSite.start(tmp, CacheSite.conf(false, "", ""))) {
            plain.origin.on("/plain", CACHEABLE);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = plain.get("/plain");
                assertAnswer(200, "cacheable", null, r);
            }
            assertEquals(2, plain.origin.requests("/plain"));
            assertTrue(plain.gatehouse.assembly().cache().isEmpty(), "no cache was made");
        }
    }

    @Test
    void cacheNoKeepsOneClusterOutOfTheCache() throws Exception {
        site.origin.on("/nocache/a", CACHEABLE);
        assertAnswer(200, "cacheable", null, site.get("/nocache/a"));
        assertAnswer(200, "cacheable", null, site.get("/nocache/a"));
        assertEquals(2, site.origin.requests("/nocache/a"));
    }

    @Test
    void cacheYesCachesOneClusterWithoutAProxypassSection() throws Exception {
        try (CacheSite one = CacheSite.start(tmp, CacheSite.conf(false, "/cached = @cached", """
                [@cached]
                members = ${ORIGIN}
                cache = yes
                """))) {
            one.origin.on("/cached/a", CACHEABLE);
            one.origin.on("/a", CACHEABLE);
            assertAnswer(200, "cacheable", "MISS", one.get("/cached/a"));
            assertAnswer(200, "cacheable", "HIT", one.get("/cached/a"));
            assertEquals(1, one.origin.requests("/cached/a"));
            assertAnswer(200, "cacheable", null, one.get("/a"));
            assertAnswer(200, "cacheable", null, one.get("/a"));
            assertEquals(2, one.origin.requests("/a"), "the other cluster is not cached");
        }
    }

    @Test
    void theDefaultKeyTellsQueriesApartAndAKeyWithoutTheQuerySharesOneEntry() throws Exception {
        site.origin.on("/keys/query", r -> Answer.ok(r.query()).with("Cache-Control", "max-age=60"));
        site.origin.on("/noquery/a", r -> Answer.ok(r.query()).with("Cache-Control", "max-age=60"));
        assertAnswer(200, "x=1", "MISS", site.get("/keys/query?x=1"));
        assertAnswer(200, "x=2", "MISS", site.get("/keys/query?x=2"));
        assertAnswer(200, "x=1", "HIT", site.get("/keys/query?x=1"));
        assertEquals(2, site.origin.requests("/keys/query"));

        assertAnswer(200, "x=1", "MISS", site.get("/noquery/a?x=1"));
        assertAnswer(200, "x=1", "HIT", site.get("/noquery/a?x=2"));
        assertAnswer(200, "x=1", "HIT", site.get("/noquery/a"));
        assertEquals(1, site.origin.requests("/noquery/a"));
    }

    @Test
    void aKeyWithAHeaderKeepsOneEntryPerValue() throws Exception {
        site.origin.on("/tenant/a", r -> Answer.ok("for " + r.header("X-Tenant")).with("Cache-Control", "max-age=60"));
        assertAnswer(200, "for acme", "MISS", site.get("/tenant/a", "X-Tenant", "acme"));
        assertAnswer(200, "for umbrella", "MISS", site.get("/tenant/a", "X-Tenant", "umbrella"));
        assertAnswer(200, "for acme", "HIT", site.get("/tenant/a", "X-Tenant", "acme"));
        assertAnswer(200, "for umbrella", "HIT", site.get("/tenant/a", "X-Tenant", "umbrella"));
        assertEquals(2, site.origin.requests("/tenant/a"));
    }

    @Test
    void anUnsafeRequestInvalidatesTheEntriesOfEveryHeaderValue() throws Exception {
        site.origin.on("/tenant/b", r -> r.method().equals("GET")
                ? Answer.ok(r.header("X-Tenant") + site.origin.requests("GET", "/tenant/b")).with("Cache-Control", "max-age=60")
                : Answer.ok("posted"));
        assertAnswer(200, "acme1", "MISS", site.get("/tenant/b", "X-Tenant", "acme"));
        assertAnswer(200, "acme1", "HIT", site.get("/tenant/b", "X-Tenant", "acme"));
        assertEquals("posted", site.send("POST", "/tenant/b", "X-Tenant", "umbrella").body());
        assertAnswer(200, "acme2", "MISS", site.get("/tenant/b", "X-Tenant", "acme"));
    }

    @Test
    void aHeadIsAnsweredFromAStoredGetAndAHeadMissFillsNothing() throws Exception {
        site.origin.on("/keys/head", Answer.ok("0123456789").with("Cache-Control", "max-age=60"));
        assertAnswer(200, "0123456789", "MISS", site.get("/keys/head"));
        HttpResponse<String> head = site.send("HEAD", "/keys/head");
        assertAnswer(200, "", "HIT", head);
        assertEquals("10", head.headers().firstValue("Content-Length").orElse(null), "the length a GET has");
        assertEquals(0, site.origin.requests("HEAD", "/keys/head"), "the HEAD never reached the origin");

        site.origin.on("/keys/head-first", Answer.ok("0123456789").with("Cache-Control", "max-age=60"));
        assertAnswer(200, "", "MISS", site.send("HEAD", "/keys/head-first"));
        assertEquals(1, site.origin.requests("HEAD", "/keys/head-first"), "a HEAD miss goes through as a HEAD");
        assertAnswer(200, "0123456789", "MISS", site.get("/keys/head-first"));
    }

    @Test
    void xCacheSaysWhatHappenedOnceOnEveryAnswer() throws Exception {
        site.origin.on("/keys/x-cache", r -> Answer.ok("v" + r.number()).with("Cache-Control", "max-age=60"));
        HttpResponse<String> miss = site.get("/keys/x-cache");
        assertAnswer(200, "v1", "MISS", miss);
        HttpResponse<String> hit = site.get("/keys/x-cache");
        assertAnswer(200, "v1", "HIT", hit);
        assertEquals(List.of("HIT"), hit.headers().allValues("X-Cache"), "the stored answer's MISS is not kept");
        HttpResponse<String> bypass = site.get("/keys/x-cache", "Cache-Control", "no-store");
        assertAnswer(200, "v2", "BYPASS", bypass);
        assertEquals(2, site.origin.requests("/keys/x-cache"));
    }

    @Test
    void theRequestLogsJsonFormCarriesTheCacheStatusAndTheTextLineKeepsItsSeventeenFields() throws Exception {
        site.origin.on("/keys/logged", Answer.ok("logged").with("Cache-Control", "max-age=60"));
        site.origin.on("/nocache/logged", Answer.ok("logged").with("Cache-Control", "max-age=60"));
        assertAnswer(200, "logged", "MISS", site.get("/keys/logged"));
        assertAnswer(200, "logged", "HIT", site.get("/keys/logged"));
        assertAnswer(200, "logged", null, site.get("/nocache/logged"));

        List<RequestLogRecord> records = records("/keys/logged", 2);
        assertEquals(Set.of("MISS", "HIT"), records.stream().map(RequestLogRecord::cache).collect(Collectors.toSet()));
        for (RequestLogRecord r : records) {
            String json = RequestLogJson.toJson(r);
            assertTrue(json.endsWith(",\"attempts\":" + r.attempts() + ",\"cache\":\"" + r.cache()
                    + "\",\"client_ip\":\"127.0.0.1\"}"), json);
            assertTrue(json.indexOf("\"sending_ms\":") < json.indexOf("\"cache\":"), "after the 17 fields: " + json);
        }
        assertNull(records("/nocache/logged", 1).get(0).cache(), "no cache saw it");

        List<String> lines = lines("/keys/logged", 2);
        for (String line : lines) {
            List<String> fields = RequestLogFormatter.parse(line);
            assertEquals(RequestLogFormatter.FIELD_COUNT, fields.size(), line);
            assertFalse(line.contains("HIT") || line.contains("MISS"), line);
        }
    }

    /** The ring's records for {@code url}, once there are {@code n} (at most 5 s). */
    private static List<RequestLogRecord> records(String url, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<RequestLogRecord> found;
        do {
            found = site.gatehouse.assembly().requestLog().latest(1000).stream().filter(r -> r.url().equals(url)).toList();
        } while (found.size() < n && System.nanoTime() < deadline && sleep());
        assertEquals(n, found.size(), url);
        return found;
    }

    /** The request log's lines for {@code url}, once there are {@code n} (at most 5 s). */
    private static List<String> lines(String url, int n) throws Exception {
        Path log = site.gatehouse.logDir.resolve("request.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> found = List.of();
        do {
            if (Files.exists(log)) {
                found = Files.readAllLines(log, StandardCharsets.US_ASCII).stream()
                        .filter(l -> RequestLogFormatter.parse(l).get(5).equals(url)).toList();
            }
        } while (found.size() < n && System.nanoTime() < deadline && sleep());
        assertEquals(n, found.size(), url);
        return found;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(20);
        return true;
    }
}
