package io.gatehouse.it;

import static io.gatehouse.it.CacheSite.assertAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.it.CountingOrigin.Answer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When a stale entry answers instead of the origin (RFC 5861, nginx's {@code proxy_cache_use_stale}):
 * {@code stale-if-error} when the origin fails or cannot be reached, {@code cache_use_stale} for
 * answers that do not say so, and {@code stale-while-revalidate}, which answers at once and refreshes
 * the entry in the background, once for any number of requests.
 */
@Timeout(30)
class CacheStaleTest {
    /** Members that die in a test: one for a cluster that only follows the answers, one with cache_use_stale. */
    static final CountingOrigin mortal = CountingOrigin.start();
    static final CountingOrigin mortalUseStale = CountingOrigin.start();

    @RegisterExtension
    static final CacheSite site = CacheSite.forClass(CacheSite.conf(true, """
            /gone = @mortal
            /usestale = @usestale
            /usestale-gone = @usestalemortal""", """
            [@mortal]
            members = %s

            [@usestale]
            members = ${ORIGIN}
            cache_use_stale = error timeout 5xx

            [@usestalemortal]
            members = %s
            cache_use_stale = error timeout 5xx
            """.formatted(mortal.address(), mortalUseStale.address())));

    @TempDir
    Path tmp;

    @AfterAll
    static void stopTheMortals() {
        mortal.close();
        mortalUseStale.close();
    }

    /** "good" with {@code cacheControl} the first time, then {@code status} with "bad". */
    private static CountingOrigin.Script failsAfterTheFirst(String cacheControl, int status) {
        return r -> r.number() == 1 ? Answer.ok("good").with("Cache-Control", cacheControl)
                : Answer.status(status, "bad").with("Cache-Control", "no-store");
    }

    /**
     * The entry goes stale, then the origin answers {@code status}: the stale entry stands in when the
     * answer said {@code stale-if-error} or the cluster says {@code cache_use_stale} ({@code /usestale}),
     * else the error reaches the client.
     */
    @ParameterizedTest(name = "{0} with {1}, then {2}: stale answers {3}")
    @CsvSource(delimiter = '|', value = {
        "/stale/if-error   | max-age=1, stale-if-error=60 | 500 | true",
        "/stale/if-error   | max-age=1, stale-if-error=60 | 502 | true",
        "/stale/if-error   | max-age=1, stale-if-error=60 | 503 | true",
        "/stale/if-error   | max-age=1, stale-if-error=60 | 504 | true",
        "/stale/plain      | max-age=1                    | 500 | false",
        "/usestale/5xx     | max-age=1                    | 500 | true",
        "/usestale/5xx     | max-age=1                    | 503 | true"})
    void aStaleEntryStandsInForAnOriginErrorOnlyWhenTheAnswerOrTheClusterAllowsIt(String route, String cacheControl,
            int status, boolean stale) throws Exception {
        String path = route + "/" + status;
        site.origin.on(path, r -> r.number() == 1 ? Answer.ok("good").with("Cache-Control", cacheControl)
                : Answer.status(status, "bad").with("Cache-Control", "no-store"));
        long filled = System.nanoTime();
        assertAnswer(200, "good", "MISS", site.get(path));
        CacheSite.waitPast(filled, 1_200);
        HttpResponse<String> answer = site.get(path);
        if (stale) {
            assertAnswer(200, "good", "STALE", answer);
        } else {
            assertEquals(status, answer.statusCode(), answer.headers().map().toString());
            assertEquals("bad", answer.body());
        }
        assertEquals(2, site.origin.requests(path), "the origin was asked, and failed");
    }

    @Test
    void staleIfErrorServesTheStaleEntryWhenTheMemberIsDead() throws Exception {
        servedStaleAfterDeath(mortal, "/gone/if-error", "max-age=1, stale-if-error=60");
    }

    @Test
    void cacheUseStaleServesTheStaleEntryWhenTheMemberIsDead() throws Exception {
        servedStaleAfterDeath(mortalUseStale, "/usestale-gone/error", "max-age=1");
    }

    /** Fills {@code path} from {@code member}, which then dies: once stale, the entry answers. */
    private static void servedStaleAfterDeath(CountingOrigin member, String path, String cacheControl) throws Exception {
        member.on(path, Answer.ok("good").with("Cache-Control", cacheControl));
        long filled = System.nanoTime();
        assertAnswer(200, "good", "MISS", site.get(path));
        member.close(); // connections refused from now on
        CacheSite.waitPast(filled, 1_200);
        assertAnswer(200, "good", "STALE", site.get(path));
    }

    /** A site of its own: {@code response_timeout = 1} would cut the held answers of the other tests short. */
    @Test
    void cacheUseStaleServesTheStaleEntryWhenTheOriginTimesOut() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (CacheSite slow = CacheSite.start(tmp, CacheSite.conf(true, "/usestale = @usestale", """
                [@usestale]
                members = ${ORIGIN}
                cache_use_stale = timeout

                [tunefactors]
                response_timeout = 1
                """))) {
            slow.origin.on("/usestale/timeout", r -> {
                if (r.number() > 1) {
                    done.await(3, TimeUnit.SECONDS); // past response_timeout
                }
                return Answer.ok("v" + r.number()).with("Cache-Control", "max-age=1");
            });
            long filled = System.nanoTime();
            assertAnswer(200, "v1", "MISS", slow.get("/usestale/timeout"));
            CacheSite.waitPast(filled, 1_200);
            assertAnswer(200, "v1", "STALE", slow.get("/usestale/timeout"));
            assertEquals(2, slow.origin.requests("/usestale/timeout"));
        } finally {
            done.countDown();
        }
    }

    /**
     * {@code cache_use_stale updating}, as nginx's: while one request revalidates a stale entry (its
     * origin holds the answer), other requests for it get the stale entry at once instead of waiting;
     * without it they wait for the revalidation's answer.
     */
    @Test
    void cacheUseStaleUpdatingAnswersOthersFromTheStaleEntryWhileOneRevalidates() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (CacheSite updating = CacheSite.start(tmp, CacheSite.conf(true, "/upd = @upd", """
                [@upd]
                members = ${ORIGIN}
                cache_use_stale = updating
                """))) {
            updating.origin.on("/upd/x", r -> {
                if (r.number() > 1) {
                    release.await(10, TimeUnit.SECONDS);
                }
                return Answer.ok("v" + r.number()).with("Cache-Control", "max-age=1");
            });
            long filled = System.nanoTime();
            assertAnswer(200, "v1", "MISS", updating.get("/upd/x"));
            CacheSite.waitPast(filled, 1_200);
            CompletableFuture<HttpResponse<String>> revalidating = updating.getAsync("/upd/x");
            updating.origin.awaitRequests("/upd/x", 2);
            for (int i = 0; i < 5; i++) {
                assertAnswer(200, "v1", "STALE", updating.get("/upd/x"));
            }
            assertFalse(revalidating.isDone(), "the revalidation is still held at the origin");
            release.countDown();
            assertAnswer(200, "v2", "EXPIRED", revalidating.get(5, TimeUnit.SECONDS));
            assertEquals(2, updating.origin.requests("/upd/x"));
        } finally {
            release.countDown();
        }
    }

    /**
     * The refresh is held twice at the origin: before its head (20 concurrent requests come meanwhile),
     * then after its head, with its body still coming (more requests come meanwhile). Every request is
     * answered from the stale entry at once, and the origin gets one refresh.
     */
    @Test
    void staleWhileRevalidateAnswersAtOnceAndRefreshesOnceInTheBackground() throws Exception {
        CountDownLatch releaseHead = new CountDownLatch(1);
        CountDownLatch headSent = new CountDownLatch(1);
        CountDownLatch releaseBody = new CountDownLatch(1);
        site.origin.on("/stale/swr", r -> {
            if (r.number() == 1) {
                return Answer.ok("v1").with("Cache-Control", "max-age=1, stale-while-revalidate=60");
            }
            releaseHead.await(10, TimeUnit.SECONDS);
            headSent.countDown();
            return Answer.ok("v" + r.number()).with("Cache-Control", "max-age=60").bodyHeldUntil(releaseBody);
        });
        long filled = System.nanoTime();
        try {
            assertAnswer(200, "v1", "MISS", site.get("/stale/swr"));
            CacheSite.waitPast(filled, 1_200);
            List<CompletableFuture<HttpResponse<String>>> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(site.getAsync("/stale/swr"));
            }
            for (CompletableFuture<HttpResponse<String>> c : clients) {
                // Answered while the origin still holds the refresh: nobody waited for it.
                assertAnswer(200, "v1", "STALE", c.get(5, TimeUnit.SECONDS));
            }
            site.origin.awaitRequests("/stale/swr", 2);
            assertEquals(2, site.origin.requests("/stale/swr"), "one refresh for the 20 requests");

            releaseHead.countDown();
            assertTrue(headSent.await(5, TimeUnit.SECONDS));
            long bodyComing = System.nanoTime();
            while (System.nanoTime() - bodyComing < TimeUnit.MILLISECONDS.toNanos(300)) {
                assertAnswer(200, "v1", "STALE", site.get("/stale/swr"));
            }
            assertEquals(2, site.origin.requests("/stale/swr"), "no other refresh while the new body is coming");
        } finally {
            releaseHead.countDown();
            releaseBody.countDown();
        }
        HttpResponse<String> refreshed = site.get("/stale/swr");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!"v2".equals(refreshed.body()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            refreshed = site.get("/stale/swr");
        }
        assertAnswer(200, "v2", "HIT", refreshed);
        assertEquals(2, site.origin.requests("/stale/swr"));
        assertEquals("GET", site.origin.last("/stale/swr").method(), "the refresh is a GET");
    }
}
