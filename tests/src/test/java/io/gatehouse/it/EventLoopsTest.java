package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code [server] processes} sets how many event loops serve connections, as nginx's worker_processes. */
@Timeout(60)
class EventLoopsTest {
    @TempDir
    Path tmp;

    @Test
    void oneLoopByDefaultAndAsManyAsTheLargestProcessesOfAnySite() throws Exception {
        try (GatehouseHarness one = GatehouseHarness.start(tmp.resolve("one"), """
                [server]
                port = ${PORT}
                [routes:line]
                / = return 200 one loop
                """)) {
            assertEquals(1, one.assembly().ioThreads());
        }
        try (GatehouseHarness three = GatehouseHarness.start(tmp.resolve("three"), """
                [server]
                port = ${PORT}
                processes = 3
                [routes:line]
                / = return 200 three loops
                """)) {
            assertEquals(3, three.assembly().ioThreads());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                HttpClient c = i % 2 == 0 ? client : HttpClient.newHttpClient(); // several connections
                answers.add(c.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + three.port + "/")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                assertEquals("three loops", a.get().body());
            }
        }
    }
}
