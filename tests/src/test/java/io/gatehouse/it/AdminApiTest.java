package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The admin listener of a real Gatehouse, over real sockets: who may read and act (session, token,
 * nobody), the cross-site checks, and each endpoint against what the proxy did during the test.
 */
@Timeout(60)
class AdminApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The 17 fields of docs/logs.md's JSON form, in order, as its example writes them. */
    static final List<String> FIELDS = documentedFields();

    static List<String> documentedFields() {
        try {
            String logs = Files.readString(CommandLineTest.ROOT.resolve("docs/logs.md"));
            int from = logs.indexOf("```json", logs.indexOf("## JSON form"));
            String example = logs.substring(from + "```json".length(), logs.indexOf("```", from + 7));
            List<String> names = new ArrayList<>();
            JSON.readTree(example).fieldNames().forEachRemaining(names::add);
            return names.subList(0, 17);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What logger {@code name} writes while the test runs (INFO and above). */
    static ListAppender<ILoggingEvent> capture(String name) {
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        ((Logger) LoggerFactory.getLogger(name)).addAppender(events);
        return events;
    }

    static List<String> lines(ListAppender<ILoggingEvent> events) {
        return events.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @TempDir
    static Path tmp;
    static AdminConsole admin;

    @BeforeAll
    static void start() {
        admin = AdminConsole.start(tmp, "", null);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static Stream<String> dataEndpoints() {
        return Stream.of("/api/session", "/api/pools", "/api/routes", "/api/requests", "/api/requests/stream",
                "/api/cache", "/api/config", "/api/series", "/stats.json", "/versions.json", "/health_check",
                "/logging/level", "/debug/stacks");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataEndpoints")
    void everyDataEndpointRefusesACallerWithoutCredentials(String path) throws Exception {
        HttpResponse<String> r = admin.send(admin.request(path).GET().build());
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("Bearer realm=\"gatehouse-admin\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, json(r).get("status").asInt());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));

        HttpResponse<String> wrongToken = admin.send(admin.request(path).header("Authorization",
                "Bearer not-the-token-at-all").GET().build());
        assertEquals(401, wrongToken.statusCode());
    }

    @Test
    void theConsoleSendsAStrangerToTheLoginPageWhichIsPublic() throws Exception {
        HttpResponse<String> root = admin.send(admin.request("/").GET().build());
        assertEquals(303, root.statusCode());
        assertEquals("/login.html", root.headers().firstValue("Location").orElse(null));

        HttpResponse<String> page = admin.send(admin.request("/login.html").GET().build());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("login"));
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void aLoginGivesASessionCookieThatReadsTheApiAndTheConsole() throws Exception {
        ListAppender<ILoggingEvent> api = capture("io.gatehouse.admin.api");
        ListAppender<ILoggingEvent> audit = capture("io.gatehouse.admin.audit");
        HttpResponse<String> wrong = admin.login("alice", "wrong password");
        assertEquals(401, wrong.statusCode());
        assertEquals("wrong user or password", json(wrong).get("error").asText());
        assertTrue(lines(api).contains("WARN admin: failed login for user alice from 127.0.0.1"), lines(api).toString());

        HttpResponse<String> login = admin.login("alice", AdminConsole.PASSWORD);
        assertEquals(200, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        String cookie = AdminConsole.cookie(login).orElseThrow();
        assertEquals(256 / 6 + 1, cookie.substring("gatehouse_session=".length()).length(), "256 random bits");
        JsonNode session = json(login);
        assertEquals("alice", session.get("user").asText());
        assertFalse(session.get("csrf").asText().isEmpty());

        HttpResponse<String> again = admin.send(admin.request("/api/session").header("Cookie", cookie).GET().build());
        assertEquals(200, again.statusCode());
        assertEquals(session.get("csrf").asText(), json(again).get("csrf").asText());
        HttpResponse<String> pools = admin.send(admin.request("/api/pools").header("Cookie", cookie).GET().build());
        assertEquals(200, pools.statusCode());
        HttpResponse<String> console = admin.send(admin.request("/").header("Cookie", cookie).GET().build());
        assertEquals(200, console.statusCode());
        assertTrue(console.body().contains("console"));

        HttpResponse<String> logout = admin.send(admin.request("/api/logout").header("Cookie", cookie)
                .header("X-CSRF-Token", session.get("csrf").asText()).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, logout.statusCode());
        assertEquals(List.of("INFO user=alice from=127.0.0.1 action=login result=refused",
                "INFO user=alice from=127.0.0.1 action=login result=ok",
                "INFO user=alice from=127.0.0.1 action=logout result=ok"), lines(audit));
        assertEquals(401, admin.send(admin.request("/api/session").header("Cookie", cookie).GET().build()).statusCode());
    }

    @Test
    void aStateChangingCallFromAnotherSiteOrWithoutTheCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> login = admin.login("alice", AdminConsole.PASSWORD);
        String cookie = AdminConsole.cookie(login).orElseThrow();
        String csrf = json(login).get("csrf").asText();
        String body = "{\"name\":\"io.gatehouse.test.csrf\",\"level\":\"DEBUG\"}";

        HttpResponse<String> noToken = admin.send(admin.request("/logging/level").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(403, noToken.statusCode());
        assertEquals("cross-site request refused", json(noToken).get("error").asText());

        HttpResponse<String> otherOrigin = admin.send(admin.request("/logging/level").header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(403, otherOrigin.statusCode());
        HttpResponse<String> crossSite = admin.send(admin.request("/logging/level").header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(403, crossSite.statusCode());
        assertFalse(LoggerFactory.getLogger("io.gatehouse.test.csrf").isDebugEnabled(), "nothing was changed");

        HttpResponse<String> sameOrigin = admin.send(admin.request("/logging/level").header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).header("Origin", admin.origin())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(200, sameOrigin.statusCode(), sameOrigin.body());
        assertTrue(LoggerFactory.getLogger("io.gatehouse.test.csrf").isDebugEnabled());

        HttpResponse<String> loginFromElsewhere = admin.send(admin.request("/api/login")
                .header("Content-Type", "application/json").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"password\":\""
                        + AdminConsole.PASSWORD + "\"}")).build());
        assertEquals(403, loginFromElsewhere.statusCode(), "a login form on another site cannot log a browser in");
        assertTrue(AdminConsole.cookie(loginFromElsewhere).isEmpty());
    }

    @Test
    void aLogLevelSetThroughTheApiTakesEffect() throws Exception {
        String name = "io.gatehouse.test.level";
        assertFalse(LoggerFactory.getLogger(name).isDebugEnabled());
        HttpResponse<String> set = admin.postWithToken("/logging/level", "{\"name\":\"" + name + "\",\"level\":\"DEBUG\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("DEBUG", json(set).get("effective_level").asText());
        assertTrue(LoggerFactory.getLogger(name).isDebugEnabled());

        JsonNode read = json(admin.getWithToken("/logging/level?name=" + name));
        assertEquals("DEBUG", read.get("level").asText());
        JsonNode all = json(admin.getWithToken("/logging/level"));
        assertTrue(all.get("loggers").toString().contains(name));

        HttpResponse<String> back = admin.postWithToken("/logging/level", "{\"name\":\"" + name + "\",\"level\":null}");
        assertEquals(200, back.statusCode());
        assertFalse(LoggerFactory.getLogger(name).isDebugEnabled());
        assertEquals(400, admin.postWithToken("/logging/level", "{\"name\":\"" + name + "\",\"level\":\"LOUD\"}")
                .statusCode());
    }

    @Test
    void drainingAMemberThroughTheApiShowsInThePoolAndUndrainingBringsItBack() throws Exception {
        String member = "127.0.0.1:" + admin.memberPort;
        ListAppender<ILoggingEvent> audit = capture("io.gatehouse.admin.audit");
        HttpResponse<String> drain = admin.postWithToken("/api/pools/app/members/127.0.0.1%3A" + admin.memberPort
                + "/drain", "");
        assertEquals(200, drain.statusCode(), drain.body());
        assertEquals("{\"cluster\":\"app\",\"member\":\"" + member + "\",\"draining\":true}", drain.body());
        assertEquals("draining", memberState("app", member));
        assertTrue(lines(audit).contains("INFO user=token from=127.0.0.1 action=drain app " + member + " result=ok"),
                lines(audit).toString());

        assertEquals(200, admin.postWithToken("/api/pools/app/members/" + member + "/undrain", "").statusCode());
        assertFalse(memberState("app", member).equals("draining"));
        assertEquals(404, admin.postWithToken("/api/pools/app/members/10.9.9.9%3A1/drain", "").statusCode());
        assertEquals(405, admin.getWithToken("/api/pools/app/members/" + member + "/drain").statusCode());
    }

    static String memberState(String cluster, String address) throws Exception {
        JsonNode pools = json(admin.getWithToken("/api/pools"));
        for (JsonNode c : pools.get("clusters")) {
            if (c.get("name").asText().equals(cluster)) {
                for (JsonNode m : c.get("members")) {
                    if (m.get("address").asText().equals(address)) {
                        return m.get("state").asText();
                    }
                }
            }
        }
        throw new AssertionError(cluster + " " + address + " not in " + pools);
    }

    @Test
    void recentRequestsShowARequestMadeDuringTheTestWithTheSeventeenFieldsInOrder() throws Exception {
        String path = "/app/listed-" + UUID.randomUUID();
        assertEquals(200, admin.proxy(path).statusCode());

        // the ring has the record once the exchange has ended, which may be just after the client has the answer
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> r;
        do {
            r = admin.getWithToken("/api/requests?limit=50&cluster=app&status=2xx&q=listed");
            assertEquals(200, r.statusCode(), r.body());
        } while (!r.body().contains(path) && System.nanoTime() < deadline);
        JsonNode body = json(r);
        List<String> fields = new ArrayList<>();
        body.get("fields").forEach(f -> fields.add(f.asText()));
        assertEquals(FIELDS, fields);
        JsonNode found = null;
        for (JsonNode rec : body.get("requests")) {
            if (rec.get("url").asText().equals(path)) {
                found = rec;
            }
        }
        assertNotNull(found, body.toString());
        List<String> names = new ArrayList<>();
        found.fieldNames().forEachRemaining(names::add);
        assertEquals(FIELDS, names.subList(0, 17));
        assertEquals("app", found.get("cluster").asText());
        assertEquals(200, found.get("status").asInt());

        JsonNode none = json(admin.getWithToken("/api/requests?status=5xx&q=" + path.substring(5)));
        assertEquals(0, none.get("requests").size());
        assertEquals(400, admin.getWithToken("/api/requests?status=9xx").statusCode());
    }

    @Test
    void theEventStreamDeliversARequestMadeAfterItOpened() throws Exception {
        HttpResponse<InputStream> stream = admin.client.send(admin.request("/api/requests/stream?cluster=app")
                .header("Authorization", "Bearer " + AdminConsole.TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        String path = "/app/streamed-" + UUID.randomUUID();
        CompletableFuture<List<String>> event = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                List<String> lines = new ArrayList<>();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (line.startsWith("data:") && line.contains(path)) {
                        return lines;
                    }
                }
                return lines;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(200, admin.proxy(path).statusCode());
        List<String> lines = event.get(20, TimeUnit.SECONDS);
        String data = lines.get(lines.size() - 1);
        assertTrue(data.contains(path), lines.toString());
        assertTrue(lines.get(lines.size() - 2).matches("event: ?request"), lines.toString());
        JsonNode record = JSON.readTree(data.substring("data:".length()).strip());
        assertEquals(path, record.get("url").asText());
    }

    @Test
    void theHealthCheckTurns500WhenAClusterHasNoUsableMember() throws Exception {
        HttpResponse<String> before = admin.getWithToken("/health_check");
        JsonNode b = json(before);
        assertTrue(b.get("successes").toString().contains("cluster:app"), b.toString());
        assertTrue(b.get("successes").toString().contains("listeners"), b.toString());

        // @gone's members refuse connections: a request tries both and takes them out
        assertTrue(admin.proxy("/gone/x").statusCode() >= 500);
        admin.proxy("/gone/y");
        HttpResponse<String> after = admin.getWithToken("/health_check");
        assertEquals(500, after.statusCode(), after.body() + " " + admin.getWithToken("/api/pools").body());
        JsonNode a = json(after);
        assertEquals(500, a.get("status").asInt());
        assertTrue(a.get("failures").has("cluster:gone"), a.toString());
        assertTrue(a.get("successes").toString().contains("cluster:app"));
    }

    @Test
    void purgingEmptiesACachedEntry() throws Exception {
        String path = "/app/cached-" + UUID.randomUUID();
        admin.proxy(path);
        HttpResponse<String> second = admin.proxy(path);
        assertEquals("HIT", second.headers().firstValue("X-Cache").orElse(null));
        JsonNode cache = json(admin.getWithToken("/api/cache"));
        assertTrue(cache.get("enabled").asBoolean(), cache.toString());
        assertTrue(cache.get("tiers").get(0).get("entries").asLong() >= 1, cache.toString());

        HttpResponse<String> purge = admin.postWithToken("/api/cache/purge", "{\"all\":true}");
        assertEquals(200, purge.statusCode(), purge.body());
        assertTrue(json(purge).get("purged").asLong() >= 1, purge.body());
        assertFalse("HIT".equals(admin.proxy(path).headers().firstValue("X-Cache").orElse(null)));
    }

    @Test
    void aReloadOfABrokenFileIsRefusedWith422AndTheFileAndLine() throws Exception {
        Path broken = admin.gatehouse.confDir.resolve("zz-broken.conf");
        Files.writeString(broken, "[@x]\nmembers = 10.0.0.1:80\nstrategy = sideways\n");
        try {
            HttpResponse<String> r = admin.postWithToken("/api/config/reload", "");
            assertEquals(422, r.statusCode(), r.body());
            JsonNode outcome = json(r);
            assertFalse(outcome.get("applied").asBoolean());
            assertTrue(outcome.get("errors").get(0).asText().contains("zz-broken.conf:3:"), r.body());
            JsonNode config = json(admin.getWithToken("/api/config"));
            assertFalse(config.get("last_reload").get("applied").asBoolean());
            assertTrue(config.get("files").toString().contains("site.conf"));
        } finally {
            Files.delete(broken);
        }
        HttpResponse<String> ok = admin.postWithToken("/api/config/reload", "");
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void consoleFilesOutsideTheConsoleFolderAreNotServed() throws Exception {
        // io/gatehouse/app/version.properties is in the same jar, three folders up from the console's assets
        for (String path : List.of("/assets/missing.js", "/assets/../../../app/version.properties",
                "/assets/%2e%2e/%2e%2e/%2e%2e/app/version.properties", "/assets/..%2F..%2F..%2Fapp%2Fversion.properties")) {
            HttpResponse<String> r = admin.send(admin.request(path).GET().build());
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400 || r.statusCode() == 401, path + " " + r.statusCode());
            assertFalse(r.body().contains("version="), path);
        }
    }

    @Test
    void theOtherEndpointsAnswerWithTheirDocumentedShape() throws Exception {
        JsonNode routes = json(admin.getWithToken("/api/routes"));
        assertTrue(routes.toString().contains("\"prefix\":\"/app\",\"target\":\"@app\""), routes.toString());
        JsonNode versions = json(admin.getWithToken("/versions.json"));
        assertTrue(versions.get("packages").has("undertow-core"), versions.toString());
        assertEquals(System.getProperty("java.version"), versions.get("java").get("version").asText());
        HttpResponse<String> stacks = admin.getWithToken("/debug/stacks");
        assertTrue(stacks.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(stacks.body().contains("\"main\"") || stacks.body().contains("Test worker")
                || stacks.body().contains("at "), "a thread dump");
        assertEquals(200, admin.getWithToken("/stats.json").statusCode());
        assertTrue(json(admin.getWithToken("/api/series")).has("points"));
        assertEquals(404, admin.getWithToken("/api/nothing").statusCode());
    }
}
