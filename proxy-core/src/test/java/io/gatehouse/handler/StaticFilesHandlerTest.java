package io.gatehouse.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.config.model.StaticDirTarget;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.routing.RouteTable;
import io.gatehouse.routing.RoutedRequest;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesHandlerTest {
    /** 2024-01-02T03:04:05Z, the modification time of every test file. */
    private static final Instant MTIME = Instant.ofEpochSecond(1_704_164_645L);
    private static final String LAST_MODIFIED = "Tue, 02 Jan 2024 03:04:05 GMT";
    private static final String SECRET = "TOP-SECRET-CONTENT";
    private static final String RANGE_BODY = "0123456789abcdef";

    @TempDir
    Path dir;

    private Path www;
    private RoutedTestServer server;
    private ExecutorService fileExecutor;
    private final AtomicInteger fileTasks = new AtomicInteger();
    private int port;

    @BeforeEach
    void startServer() throws IOException {
        www = Files.createDirectory(dir.resolve("www"));
        write(dir.resolve("secret.txt"), SECRET);
        write(Files.createDirectory(dir.resolve("www2")).resolve("secret.txt"), SECRET);
        write(www.resolve("index.html"), "<h1>home</h1>");
        write(www.resolve("hello.txt"), "hello");
        write(www.resolve(".hidden"), "hidden");
        write(www.resolve("caf\u00e9.txt"), "unicode");
        write(www.resolve("range.txt"), RANGE_BODY);
        write(www.resolve("empty.txt"), "");
        write(Files.createDirectories(www.resolve("docs")).resolve("index.html"), "docs index");
        Files.createDirectories(www.resolve("empty-dir"));
        Path assets = Files.createDirectories(www.resolve("assets"));
        write(Files.createDirectories(assets.resolve("css")).resolve("a.css"), "body{}");
        Path types = Files.createDirectories(assets.resolve("types"));
        for (String name : new String[] {"a.html", "b.js", "c.json", "d.png", "e.woff2", "f.svg", "g.wasm",
                "h.unknown", "NOEXT", "I.PNG", "j.mp4", "k.pdf", "l.ico", "m.webp", "n.jpg", "o.xml", "p.txt"}) {
            write(types.resolve(name), name);
        }
        write(Files.createDirectories(www.resolve("app-static")).resolve("logo.png"), "png-bytes");

        fileExecutor = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-file-executor"));
        HttpHandler app = exchange -> {
            String body = "from-app " + exchange.getRequestMethod() + " "
                    + exchange.getAttachment(RoutedRequest.KEY).forwardPath() + " io=" + exchange.isInIoThread();
            exchange.getResponseSender().send(body);
        };
        RouteTable<HttpHandler> routes = RouteTable.<HttpHandler>builder()
                .add("/", staticFiles(www, null))
                .add("/static", staticFiles(assets, null))
                .add("/app", staticFiles(www.resolve("app-static"), app))
                .add("/counted", new StaticFilesHandler(target(www), Duration.ofSeconds(300), null, task -> {
                    fileTasks.incrementAndGet();
                    fileExecutor.execute(task);
                }))
                .build();
        server = new RoutedTestServer(routes);
        port = server.port();
    }

    @AfterEach
    void stopServer() {
        server.close();
        fileExecutor.shutdownNow();
    }

    @Test
    void servesAFileWithTypeLengthValidatorsAndCaching() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/static/css/a.css");
        assertEquals(200, response.status());
        assertEquals("body{}", response.text());
        assertEquals("text/css; charset=utf-8", response.header("Content-Type"));
        assertEquals("6", response.header("Content-Length"));
        assertEquals(LAST_MODIFIED, response.header("Last-Modified"));
        assertEquals(etag(6), response.header("ETag"));
        assertEquals("max-age=300", response.header("Cache-Control"));
        assertEquals("bytes", response.header("Accept-Ranges"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "a.html,  text/html; charset=utf-8",
            "b.js,    text/javascript; charset=utf-8",
            "c.json,  application/json",
            "d.png,   image/png",
            "e.woff2, font/woff2",
            "f.svg,   image/svg+xml",
            "g.wasm,  application/wasm",
            "h.unknown, application/octet-stream",
            "NOEXT,   application/octet-stream",
            "I.PNG,   image/png",
            "j.mp4,   video/mp4",
            "k.pdf,   application/pdf",
            "l.ico,   image/x-icon",
            "m.webp,  image/webp",
            "n.jpg,   image/jpeg",
            "o.xml,   application/xml",
            "p.txt,   text/plain; charset=utf-8",
    })
    void contentTypeFollowsTheExtension(String name, String type) throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/static/types/" + name);
        assertEquals(200, response.status());
        assertEquals(type, response.header("Content-Type"));
        assertEquals(name, response.text());
    }

    @Test
    void headGetsTheSameHeadersWithoutABody() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "HEAD", "/hello.txt", "Range: bytes=0-1");
        assertEquals(200, response.status());
        assertEquals("5", response.header("Content-Length"));
        assertEquals(etag(5), response.header("ETag"));
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        assertEquals(0, response.bodyLength());
    }

    @Test
    void hiddenFilesAndPercentEncodedNamesAreServed() throws IOException {
        assertEquals("hidden", RawHttp.get(port, "/.hidden").text());
        assertEquals("unicode", RawHttp.get(port, "/caf%C3%A9.txt").text());
    }

    @Test
    void anEmptyFileIsServedWithZeroLength() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/empty.txt");
        assertEquals(200, response.status());
        assertEquals("0", response.header("Content-Length"));
        assertEquals(0, response.bodyLength());
        RawHttp.Response ranged = RawHttp.get(port, "/empty.txt", "Range: bytes=0-");
        assertEquals(416, ranged.status());
        assertEquals("bytes */0", ranged.header("Content-Range"));
    }

    @ParameterizedTest(name = "If-None-Match: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "CURRENT                   | 304",
            "W/CURRENT                 | 304",
            "\"other\", CURRENT        | 304",
            "*                         | 304",
            "\"other\"                 | 200",
            "garbage                   | 200",
    })
    void ifNoneMatchUsesWeakComparison(String header, int status) throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/hello.txt", "If-None-Match: " + header.replace("CURRENT", etag(5)));
        assertEquals(status, response.status());
        assertEquals(etag(5), response.header("ETag"));
        if (status == 304) {
            assertEquals(0, response.bodyLength());
            assertEquals(LAST_MODIFIED, response.header("Last-Modified"));
        } else {
            assertEquals("hello", response.text());
        }
    }

    @ParameterizedTest(name = "If-Modified-Since: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Tue, 02 Jan 2024 03:04:05 GMT | 304",
            "Wed, 03 Jan 2024 00:00:00 GMT | 304",
            "Tue, 02 Jan 2024 03:04:04 GMT | 200",
            "Tuesday, 02-Jan-24 03:04:05 GMT | 304",
            "Tue Jan  2 03:04:05 2024      | 304",
            "not a date                    | 200",
    })
    void ifModifiedSinceComparesSeconds(String date, int status) throws IOException {
        assertEquals(status, RawHttp.get(port, "/hello.txt", "If-Modified-Since: " + date).status());
    }

    @Test
    void ifNoneMatchTakesPrecedenceOverIfModifiedSince() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/hello.txt",
                "If-None-Match: \"other\"", "If-Modified-Since: " + LAST_MODIFIED);
        assertEquals(200, response.status());
        assertEquals("hello", response.text());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "If-Match: CURRENT                                  | 200",
            "If-Match: *                                        | 200",
            "If-Match: \"a\", CURRENT                           | 200",
            "If-Match: \"stale\"                                | 412",
            "If-Match: W/CURRENT                                | 412",
            "If-Unmodified-Since: Tue, 02 Jan 2024 03:04:05 GMT | 200",
            "If-Unmodified-Since: Mon, 01 Jan 2024 00:00:00 GMT | 412",
    })
    void failingPreconditionsAre412(String header, int status) throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/hello.txt", header.replace("CURRENT", etag(5)));
        assertEquals(status, response.status());
        if (status == 412) {
            assertEquals("{\"status\":412,\"error\":\"precondition failed\"}", response.text());
        }
    }

    @Test
    void ifMatchIsCheckedBeforeIfNoneMatch() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/hello.txt", "If-Match: \"stale\"", "If-None-Match: " + etag(5));
        assertEquals(412, response.status());
    }

    @ParameterizedTest(name = "Range: {0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-3      | 206 | bytes 0-3/16   | 0123",
            "bytes=3-3      | 206 | bytes 3-3/16   | 3",
            "bytes=10-      | 206 | bytes 10-15/16 | abcdef",
            "bytes=-4       | 206 | bytes 12-15/16 | cdef",
            "bytes=-100     | 206 | bytes 0-15/16  | 0123456789abcdef",
            "bytes=5-1000   | 206 | bytes 5-15/16  | 56789abcdef",
            "BYTES=1-2      | 206 | bytes 1-2/16   | 12",
            "bytes = 1-2    | 200 |                | 0123456789abcdef",
            "bytes=0-1,4-5  | 200 |                | 0123456789abcdef",
            "bytes=5-2      | 200 |                | 0123456789abcdef",
            "items=0-1      | 200 |                | 0123456789abcdef",
            "bytes=abc      | 200 |                | 0123456789abcdef",
    })
    void aSingleRangeIsServedAs206(String range, int status, String contentRange, String body) throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/range.txt", "Range: " + range);
        assertEquals(status, response.status());
        assertEquals(contentRange, response.header("Content-Range"));
        assertEquals(body, response.text());
        assertEquals(Integer.toString(body.length()), response.header("Content-Length"));
    }

    @ParameterizedTest(name = "Range: {0} -> 416")
    @ValueSource(strings = {"bytes=16-", "bytes=100-200", "bytes=-0", "bytes=99999999999999999999999-"})
    void anUnsatisfiableRangeIs416WithTheSize(String range) throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/range.txt", "Range: " + range);
        assertEquals(416, response.status());
        assertEquals("bytes */16", response.header("Content-Range"));
    }

    @ParameterizedTest(name = "If-Range: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "CURRENT                        | 206",
            "\"stale\"                      | 200",
            "W/CURRENT                      | 200",
            "Tue, 02 Jan 2024 03:04:05 GMT  | 206",
            "Tue, 02 Jan 2024 03:04:06 GMT  | 200",
    })
    void ifRangeServesTheRangeOnlyForTheCurrentVersion(String ifRange, int status) throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/range.txt", "Range: bytes=0-1",
                "If-Range: " + ifRange.replace("CURRENT", etag(16)));
        assertEquals(status, response.status());
        assertEquals(status == 206 ? "01" : RANGE_BODY, response.text());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/docs          | /docs/",
            "/docs?x=1&y=%20 | /docs/?x=1&y=%20",
            "//docs         | /docs/",
            "/static        | /static/",
            "/a/../docs     | /docs/",
    })
    void aDirectoryWithoutTrailingSlashIsRedirected(String target, String location) throws IOException {
        RawHttp.Response response = RawHttp.get(port, target);
        assertEquals(301, response.status());
        assertEquals(location, response.header("Location"));
    }

    @Test
    void aDirectoryWithTrailingSlashServesItsIndex() throws IOException {
        RawHttp.Response docs = RawHttp.get(port, "/docs/");
        assertEquals(200, docs.status());
        assertEquals("docs index", docs.text());
        assertEquals("text/html; charset=utf-8", docs.header("Content-Type"));
        assertEquals("<h1>home</h1>", RawHttp.get(port, "/").text());
    }

    @Test
    void aDirectoryWithoutIndexIsNotFound() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/empty-dir/");
        assertEquals(404, response.status());
        assertEquals("{\"status\":404,\"error\":\"not found\"}", response.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/missing.txt", "/hello.txt/", "/static/css%2Fa.css", "/docs/index.html/", "/static/nope/a.css"})
    void missingFilesAre404WithoutANextHandler(String target) throws IOException {
        RawHttp.Response response = RawHttp.get(port, target);
        assertEquals(404, response.status());
        assertEquals("application/json", response.header("Content-Type"));
    }

    @Test
    void aMissingFileFallsThroughToTheNextHandlerOnTheIoThread() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/app/missing.png?q=1");
        assertEquals(200, response.status());
        assertEquals("from-app GET /app/missing.png io=true", response.text());
    }

    @Test
    void anExistingFileIsServedEvenWhenTheRouteHasANextHandler() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/app/logo.png");
        assertEquals("png-bytes", response.text());
        assertEquals("image/png", response.header("Content-Type"));
    }

    @Test
    void otherMethodsGoToTheNextHandler() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "POST", "/app/logo.png");
        assertEquals(200, response.status());
        assertEquals("from-app POST /app/logo.png io=true", response.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS"})
    void otherMethodsWithoutNextHandlerAre405WithAllow(String method) throws IOException {
        RawHttp.Response response = RawHttp.send(port, method, "/hello.txt");
        assertEquals(405, response.status());
        assertEquals("GET, HEAD", response.header("Allow"));
    }

    /** Each of these tries to reach {@code secret.txt} beside the root (or in a sibling directory). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/../secret.txt",
            "/../../secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/%2e%2e%2fsecret.txt",
            "/.%2e/secret.txt",
            "/a/%2e%2e/%2e%2e/secret.txt",
            "/..%2f..%2f..%2fsecret.txt",
            "/static/../../secret.txt",
            "/static/%2e%2e/%2e%2e/secret.txt",
            "/static/..%2f..%2fsecret.txt",
            "/static//../../secret.txt",
            "/%5c..%5csecret.txt",
            "/..%5csecret.txt",
            "/static/%5c..%5c..%5csecret.txt",
            "/secret.txt%00.html",
            "/%00/../secret.txt",
            "/%c0%ae%c0%ae/secret.txt",
            "/static/%252e%252e/%252e%252e/secret.txt",
            "/..;/secret.txt",
            "/../www2/secret.txt",
            "/%2e%2e/www2/secret.txt",
            "/static/..%5c..%5cwww2%5csecret.txt",
            "http://localhost/../secret.txt",
    })
    void traversalAttemptsNeverServeAFileOutsideTheRoot(String target) throws IOException {
        RawHttp.Response response = RawHttp.get(port, target);
        assertNotEquals(200, response.status(), "status for " + target);
        assertFalse(response.text().contains(SECRET), "secret leaked for " + target);
    }

    @Test
    void traversalWithAPlainDotDotIsRefusedWith400() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/../etc/passwd");
        assertEquals(400, response.status());
        assertTrue(response.text().contains("climbs above the root"), response.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/../www2/secret.txt",
            "/..",
            "/./secret.txt",
            "/a/..\\..\\secret.txt",
            "/a%2F..%2F..%2Fsecret.txt",
            "/a%2f..%2f..%2fsecret.txt",
            "/nul\u0000.txt",
            "/bad\ufffd.txt",
            "relative.txt",
    })
    void resolveRefusesSegmentsThatCouldLeaveTheRoot(String remainder) {
        assertNull(StaticFilesHandler.resolve(www.toAbsolutePath().normalize(), remainder));
    }

    @Test
    void resolveMapsTheRemainderUnderTheRoot() {
        Path root = www.toAbsolutePath().normalize();
        assertEquals(root.resolve("css").resolve("a.css"), StaticFilesHandler.resolve(root, "/css/a.css"));
        assertEquals(root, StaticFilesHandler.resolve(root, ""));
        assertEquals(root, StaticFilesHandler.resolve(root, "/"));
    }

    @Test
    void symbolicLinksInsideTheRootAreFollowedAsNginxDoesByDefault() throws IOException {
        Path outside = write(dir.resolve("linked-outside.txt"), "linked");
        Files.createSymbolicLink(www.resolve("link.txt"), outside);
        assertEquals("linked", RawHttp.get(port, "/link.txt").text());
    }

    @Test
    void fileSystemWorkRunsOnTheFileExecutorNotTheIoThread() throws IOException {
        RawHttp.Response response = RawHttp.get(port, "/counted/hello.txt");
        assertEquals("hello", response.text());
        assertTrue(fileTasks.get() >= 1, "file executor was not used");
    }

    @Test
    void aFiftyMegabyteFileIsStreamedWithTheRightLengthWithoutHeapGrowth() throws IOException {
        long size = 50L * 1024 * 1024;
        Path big = www.resolve("big.bin");
        try (var file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(size - 7);
            file.seek(size - 7);
            file.write("THE-END".getBytes(StandardCharsets.US_ASCII));
        }
        RawHttp.get(port, "/hello.txt"); // warm up the worker threads and classes

        long before = serverThreadAllocatedBytes();
        RawHttp.Response response = RawHttp.getCounting(port, "/big.bin");
        long allocated = serverThreadAllocatedBytes() - before;

        assertEquals(200, response.status());
        assertEquals(Long.toString(size), response.header("Content-Length"));
        assertEquals(size, response.bodyLength());
        assertEquals("application/octet-stream", response.header("Content-Type"));
        assertTrue(allocated < 8L * 1024 * 1024, "server threads allocated " + allocated + " bytes for a 50 MB file");

        RawHttp.Response tail = RawHttp.get(port, "/big.bin", "Range: bytes=-7");
        assertEquals(206, tail.status());
        assertEquals("THE-END", tail.text());
        assertEquals("bytes " + (size - 7) + "-" + (size - 1) + "/" + size, tail.header("Content-Range"));
    }

    @Test
    void oneKeepAliveConnectionCarriesSeveralAnswersInARow() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        for (int round = 0; round < 3; round++) {
            assertEquals("hello", client.send(request(base + "/hello.txt").build(), BodyHandlers.ofString()).body());
            HttpResponse<String> ranged = client.send(request(base + "/range.txt").header("Range", "bytes=4-5").build(),
                    BodyHandlers.ofString());
            assertEquals(206, ranged.statusCode());
            assertEquals("45", ranged.body());
            assertEquals(304, client.send(request(base + "/hello.txt").header("If-None-Match", etag(5)).build(),
                    BodyHandlers.ofString()).statusCode());
            assertEquals(404, client.send(request(base + "/missing").build(), BodyHandlers.ofString()).statusCode());
            assertEquals("from-app GET /app/x io=true",
                    client.send(request(base + "/app/x").build(), BodyHandlers.ofString()).body());
        }
    }

    @Test
    void aClientThatGoesAwayMidFileReleasesTheFile() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc to see open files");
        Path big = www.resolve("abandoned.bin");
        try (var file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(50L * 1024 * 1024);
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /abandoned.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[64 * 1024];
            assertTrue(socket.getInputStream().read(buffer) > 0);
            assertTrue(openDescriptorsOf(big) > 0, "file should be open while it is being sent");
            socket.setSoLinger(true, 0);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openDescriptorsOf(big) > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertEquals(0, openDescriptorsOf(big), "file still open after the client left");
        assertEquals("hello", RawHttp.get(port, "/hello.txt").text());
    }

    /** How many of this process's file descriptors point at {@code file} (Linux /proc). */
    private static long openDescriptorsOf(Path file) throws IOException {
        Path target = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    return false; // closed while we looked
                }
            }).count();
        }
    }

    private static HttpRequest.Builder request(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
    }

    /** Bytes allocated so far by the server's XNIO IO and worker threads. */
    private static long serverThreadAllocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("XNIO-")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return total;
    }

    private static StaticFilesHandler staticFiles(Path root, HttpHandler next) {
        return new StaticFilesHandler(target(root), Duration.ofSeconds(300), next);
    }

    private static StaticDirTarget target(Path root) {
        return new StaticDirTarget(new SourcePos("site.conf", 1), root);
    }

    private static String etag(long size) {
        return "\"" + Long.toHexString(MTIME.getEpochSecond()) + "-" + Long.toHexString(size) + "\"";
    }

    private static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(MTIME));
        return file;
    }
}
