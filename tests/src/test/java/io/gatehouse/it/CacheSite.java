package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Gatehouse whose routes lead to a {@link CountingOrigin}, and a client, for the response cache's
 * end-to-end tests. The site file may write {@code ${ORIGIN}} for the origin's address (and the
 * harness's {@code ${PORT}}); {@link #get} and {@link #send} ask Gatehouse over HTTP/1.1. A test class
 * shares one with {@code @RegisterExtension static final CacheSite site = CacheSite.forClass(conf)}:
 * it starts before the class's tests, in a temporary directory of its own, and stops after them.
 */
final class CacheSite implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    /** A site with {@code [proxypass]} (a memory tier) and every path routed to {@code @origin}. */
    static final String CACHING = conf(true, "", "");

    private final String conf;
    private Path dir;
    CountingOrigin origin;
    GatehouseHarness gatehouse;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private CacheSite(String conf) {
        this.conf = conf;
    }

    /**
     * A site file: Gatehouse on {@code ${PORT}}, with a {@code [proxypass]} memory tier when
     * {@code proxypass}, {@code /} routed to {@code [@origin]} (the origin) and {@code routes} (route
     * lines) to {@code clusters} (cluster sections).
     */
    static String conf(boolean proxypass, String routes, String clusters) {
        return "[server]\nport = ${PORT}\n\n" + (proxypass ? "[proxypass]\ncache_memory = 16\n\n" : "")
                + "[routes:line]\n/ = @origin\n" + routes + "\n\n[@origin]\nmembers = ${ORIGIN}\n\n" + clusters;
    }

    /** Starts an origin and a Gatehouse with {@code conf} in {@code dir}. */
    static CacheSite start(Path dir, String conf) {
        CacheSite site = new CacheSite(conf);
        site.open(dir);
        return site;
    }

    /** A site for a test class's {@code @RegisterExtension}, started before its tests. */
    static CacheSite forClass(String conf) {
        return new CacheSite(conf);
    }

    private void open(Path in) {
        origin = CountingOrigin.start();
        try {
            gatehouse = GatehouseHarness.start(in, conf.replace("${ORIGIN}", origin.address()));
        } catch (RuntimeException e) {
            origin.close();
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("gatehouse-cache-site-");
        open(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A GET with the given header fields ({@code name, value, name, value...}). */
    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, headers);
    }

    /** A request with no body with the given method and header fields ({@code name, value...}). */
    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        return client.send(request(method, path, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET sent without waiting for its answer. */
    CompletableFuture<HttpResponse<String>> getAsync(String path, String... headers) {
        return client.sendAsync(request("GET", path, headers), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gatehouse.uri(path)).timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.US);

    /** {@code t} as an HTTP date (IMF-fixdate, RFC 9110 §5.6.7). */
    static String httpDate(ZonedDateTime t) {
        return HTTP_DATE.format(t.withZoneSameInstant(ZoneOffset.UTC));
    }

    /** The answer's {@code X-Cache}, or null. */
    static String xCache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse(null);
    }

    /** The answer's {@code Age} in seconds, or -1 when it has none. */
    static long age(HttpResponse<?> r) {
        return r.headers().firstValue("Age").map(Long::parseLong).orElse(-1L);
    }

    /** Asserts the status, the body and the {@code X-Cache} of an answer. */
    static void assertAnswer(int status, String body, String xCache, HttpResponse<String> r) {
        String what = r.request().method() + " " + r.uri().getRawPath() + ": " + r.headers().map() + " " + r.body();
        assertEquals(status, r.statusCode(), what);
        assertEquals(body, r.body(), what);
        assertEquals(xCache, xCache(r), what);
    }

    /**
     * Waits until {@code millis} have passed since {@code sinceNanos} ({@link System#nanoTime}): the time a
     * stored answer takes to go stale, not a synchronisation.
     */
    static void waitPast(long sinceNanos, long millis) throws InterruptedException {
        long left = millis - (System.nanoTime() - sinceNanos) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    @Override
    public void close() {
        try {
            gatehouse.close();
        } finally {
            origin.close();
        }
    }
}
