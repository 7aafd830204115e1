package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route that serves files in front of a caching cluster ({@code / = www} then {@code / = @origin},
 * the shipped conf.d's shape): a file is answered by the static handler, so the cache's fill for its
 * key never sees a member's answer. The next request for it must not wait on that fill; the cluster
 * behind the same route still caches.
 */
@Timeout(30)
class CacheBesideStaticFilesTest {
    @TempDir
    Path dir;
    private FlowOrigin origin;
    private GatehouseHarness gatehouse;
    private FlowClient client;

    @BeforeEach
    void start() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "a file", StandardCharsets.UTF_8);
        origin = FlowOrigin.start();
        origin.serve("/api/x", 100, FlowOrigin.FRESH);
        gatehouse = GatehouseHarness.start(dir.resolve("run"), """
                [server]
                port = ${PORT}

                [proxypass]
                cache_memory = 8

                [routes:line]
                / = %s
                / = @origin

                [@origin]
                members = 127.0.0.1:%d
                """.formatted(www, origin.port()));
        client = new FlowClient(gatehouse.port);
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        origin.close();
    }

    private long collapsed() {
        return gatehouse.assembly().cache().orElseThrow().stats().collapsed();
    }

    @Test
    void aFileAnsweredOnACachingRouteLeavesNoFillForTheNextRequestToWaitOn() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = client.get("/a.txt");
            assertEquals(200, r.statusCode());
            assertEquals("a file", new String(r.body(), StandardCharsets.UTF_8));
        }
        assertEquals(0, collapsed(), "no request waited on another's fill (each waited out the lock timeout before)");
        assertEquals(0, origin.requests("/a.txt"), "the files never went to the cluster");
    }

    @Test
    void theClusterBehindTheFilesStillCaches() throws Exception {
        client.get("/a.txt");
        assertEquals(200, client.get("/api/x").statusCode());
        HttpResponse<byte[]> second = client.get("/api/x");
        assertEquals(200, second.statusCode());
        assertEquals("HIT", FlowClient.xCache(second));
        assertEquals(1, origin.requests("/api/x"));
    }
}
