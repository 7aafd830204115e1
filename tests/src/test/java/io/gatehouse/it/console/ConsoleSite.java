package io.gatehouse.it.console;

import io.gatehouse.admin.security.PasswordHashes;
import io.gatehouse.app.Assembly;
import io.gatehouse.app.StartFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Gatehouse with its admin listener, two members and a browser, shared by the tests of one class:
 * {@code @RegisterExtension static final ConsoleSite site = ConsoleSite.withSessionTimeout("30m")}. The
 * site proxies {@code /} to cluster {@code app} (members {@code a} and {@code b}, actively checked every
 * 200 ms, out after one failed check), caches in memory, and has an {@code [admin]} section with user
 * {@value #USER} and password {@value #PASSWORD}. Everything lives in a temporary directory of its own.
 */
final class ConsoleSite implements BeforeAllCallback, AfterAllCallback {
    static final String USER = "alice";
    static final String PASSWORD = "correct horse battery staple";
    /** The site file, {@code conf.d/10-site.conf}; the admin section is {@code conf.d/00-admin.conf}. */
    static final String SITE_FILE = "10-site.conf";

    private final String sessionTimeout;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    Path dir;
    Path confDir;
    int port;
    int adminPort;
    ConsoleMember a;
    ConsoleMember b;
    Assembly gatehouse;
    Browser browser;

    private ConsoleSite(String sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    /** A site whose console sessions expire after {@code timeout} ({@code 30m}, {@code 2s}) unused. */
    static ConsoleSite withSessionTimeout(String timeout) {
        return new ConsoleSite(timeout);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gatehouse-console-");
        confDir = Files.createDirectories(dir.resolve("conf.d"));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            a = ConsoleMember.start("a");
            started.add(a);
            b = ConsoleMember.start("b");
            started.add(b);
            port = freePort();
            adminPort = freePort();
            String hash = PasswordHashes.pbkdf2(PASSWORD.toCharArray(), "console-test-salt".getBytes(StandardCharsets.UTF_8),
                    1000);
            Files.writeString(confDir.resolve("00-admin.conf"), """
                    [admin]
                    ip = 127.0.0.1
                    port = %d
                    user = %s
                    password_hash = %s
                    session_timeout = %s
                    """.formatted(adminPort, USER, hash, sessionTimeout), StandardCharsets.UTF_8);
            Files.writeString(confDir.resolve(SITE_FILE), """
                    [server]
                    port = %d

                    [proxypass]
                    cache_memory = 16

                    [routes:line]
                    / = @app

                    [@app]
                    members = %s, %s
                    health = /health
                    health_interval = 200ms
                    health_timeout = 150ms
                    rise = 1
                    fall = 1

                    [log]
                    dir = %s
                    """.formatted(port, a.address(), b.address(), dir.resolve("logs")), StandardCharsets.UTF_8);
            gatehouse = Assembly.start(confDir, Map.of(), new PrintStream(System.err, true, StandardCharsets.UTF_8));
            started.add(() -> gatehouse.stop(Duration.ofSeconds(5)));
            browser = Browser.open(adminOrigin());
        } catch (StartFailure e) {
            closeAll(started);
            throw new IllegalStateException("Gatehouse did not start:\n" + e.getMessage(), e);
        } catch (Exception | AssertionError e) {
            closeAll(started);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        List<AutoCloseable> all = new ArrayList<>();
        if (browser != null) {
            all.add(browser);
        }
        if (gatehouse != null) {
            all.add(() -> gatehouse.stop(Duration.ofSeconds(5)));
        }
        all.add(a);
        all.add(b);
        closeAll(all);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@code http://127.0.0.1:ADMINPORT}. */
    String adminOrigin() {
        return "http://127.0.0.1:" + adminPort;
    }

    /** A GET of {@code path} on the public listener, with header fields {@code name, value, ...}. */
    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to the admin listener with the admin API's answer, no credentials. */
    HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(adminOrigin() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void closeAll(List<AutoCloseable> things) {
        for (int i = things.size() - 1; i >= 0; i--) {
            try {
                things.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + things.get(i) + ": " + e);
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
