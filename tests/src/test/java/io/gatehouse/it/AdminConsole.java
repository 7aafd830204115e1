package io.gatehouse.it;

import io.gatehouse.admin.security.PasswordHashes;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A real Gatehouse with an {@code [admin]} listener for the admin API tests: one site proxying to an
 * in-process member ({@code /app/...}, cacheable for a minute under {@code /app/cached}), a cluster whose
 * two members refuse connections ({@code /gone}; one failure takes each out: a sole member would never be), and an admin user {@code alice} whose password is
 * {@link #PASSWORD} (PBKDF2, so logging in is quick) and the token {@link #TOKEN}.
 */
final class AdminConsole implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    static final String TOKEN = "t0ken-for-scripts-0123456789";

    final GatehouseHarness gatehouse;
    final Undertow member;
    final int memberPort;
    final int adminPort;
    final String scheme;
    final HttpClient client;

    private AdminConsole(GatehouseHarness gatehouse, Undertow member, int memberPort, int adminPort, String scheme,
                         HttpClient client) {
        this.gatehouse = gatehouse;
        this.member = member;
        this.memberPort = memberPort;
        this.adminPort = adminPort;
        this.scheme = scheme;
        this.client = client;
    }

    /**
     * @param adminExtra more {@code [admin]} lines ({@code session_timeout = 2s}, TLS files)
     * @param tlsClient  the client's TLS context when the admin listener speaks TLS; null for plain HTTP
     */
    static AdminConsole start(Path tmp, String adminExtra, javax.net.ssl.SSLContext tlsClient) {
        Undertow member = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(ex -> {
            if (ex.getRequestPath().startsWith("/app/cached")) {
                ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=60");
            }
            ex.getResponseSender().send("member answer for " + ex.getRequestPath());
        }).build();
        member.start();
        int memberPort = GatehouseHarness.boundPort(member);
        int adminPort = GatehouseHarness.freePort();
        String hash = PasswordHashes.pbkdf2(PASSWORD.toCharArray(), "salt-for-tests".getBytes(StandardCharsets.UTF_8),
                10_000);
        String conf = """
                [server]
                ip = 127.0.0.1
                port = ${PORT}
                [routes:line]
                /app = @app
                /gone = @gone
                [@app]
                members = 127.0.0.1:%d
                [@gone]
                members = 127.0.0.1:%d, 127.0.0.1:%d
                max_fails = 1
                fail_timeout = 60s
                [proxypass]
                cache_memory = 8
                [admin]
                port = %d
                user = alice
                password_hash = %s
                token = %s
                %s
                """.formatted(memberPort, GatehouseHarness.freePort(), GatehouseHarness.freePort(), adminPort, hash, TOKEN, adminExtra);
        GatehouseHarness gatehouse;
        try {
            gatehouse = GatehouseHarness.start(tmp, conf);
        } catch (RuntimeException e) {
            member.stop();
            throw e;
        }
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tlsClient != null) {
            client.sslContext(tlsClient);
        }
        return new AdminConsole(gatehouse, member, memberPort, adminPort, tlsClient == null ? "http" : "https",
                client.build());
    }

    String origin() {
        return scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":" + adminPort;
    }

    URI admin(String path) {
        return URI.create(origin() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(admin(path)).timeout(Duration.ofSeconds(20));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the token. */
    HttpResponse<String> getWithToken(String path) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", "Bearer " + TOKEN).GET().build());
    }

    /** POST of a JSON body with the token. */
    HttpResponse<String> postWithToken(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        String body = "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}";
        return send(request("/api/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The session cookie a login answer set ({@code gatehouse_session=...}). */
    static Optional<String> cookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("gatehouse_session="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst();
    }

    /** A request to the public listener. */
    HttpResponse<String> proxy(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(gatehouse.uri(path)).version(HttpClient.Version.HTTP_1_1)
                        .timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            gatehouse.close();
        } finally {
            member.stop();
        }
    }
}
