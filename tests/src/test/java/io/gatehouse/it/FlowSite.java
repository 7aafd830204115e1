package io.gatehouse.it;

import io.gatehouse.cache.handler.ResponseCache;
import io.gatehouse.cache.store.CacheStatsView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One flow test's setting, made before each test and taken down after it (register it with
 * {@code @RegisterExtension}): a {@link FlowOrigin}, an in-process Gatehouse in front of it with the
 * {@code [proxypass]} the test class or the test chooses, a {@link FlowClient} for it, and the cache
 * the assembly opened. Everything lives in a directory of its own, removed afterwards.
 */
final class FlowSite implements BeforeEachCallback, AfterEachCallback {
    private final String proxypass;
    private Path dir;
    private int runs;
    FlowOrigin origin;
    GatehouseHarness gatehouse;
    FlowClient client;

    /** @param proxypass what Gatehouse starts with before each test; null: each test calls {@link #restart} */
    FlowSite(String proxypass) {
        this.proxypass = proxypass;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gatehouse-flow");
        origin = FlowOrigin.start();
        if (proxypass != null) {
            restart(proxypass);
        }
    }

    /** Stops Gatehouse (cleanly) if it runs and starts it again with {@code proxypass}; the origin stays. */
    void restart(String proxypass) {
        if (gatehouse != null) {
            gatehouse.close();
        }
        gatehouse = GatehouseHarness.start(dir.resolve("run-" + runs++),
                FlowClient.site("${PORT}", origin.port(), proxypass));
        client = new FlowClient(gatehouse.port);
    }

    /** This test's directory, for a {@code cache_dir}. */
    Path dir() {
        return dir;
    }

    ResponseCache cache() {
        return gatehouse.assembly().cache().orElseThrow();
    }

    CacheStatsView stats() {
        return cache().stats();
    }

    /** Requests that waited on another request's fill, so far. */
    long collapsed() {
        return stats().collapsed();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (gatehouse != null) {
                gatehouse.close();
            }
            origin.close();
        } finally {
            gatehouse = null;
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(FlowSite::delete);
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
