package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.Audit;
import io.gatehouse.admin.security.LoginThrottle;
import io.gatehouse.admin.security.Sessions;
import io.gatehouse.admin.security.Sessions.Session;
import io.gatehouse.log.RequestLogJson;
import io.gatehouse.log.RequestLogRecord;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.runtime.Runtime;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request to the admin listener: the security headers, who is asking (a bearer token or a session
 * cookie), the cross-site checks of state-changing calls, then the endpoint. Runs on a worker thread
 * (requests are dispatched off the IO thread first), since a password check and a reload block.
 */
final class AdminHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger("io.gatehouse.admin.api");
    static final String COOKIE = "gatehouse_session";
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_REQUESTS = 1000;

    /** Who is asking: a user name ({@code token} for the token) and, for a browser, its session. */
    record Caller(String user, Optional<Session> session, String from) {
    }

    private final AdminContext ctx;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final ConsoleFiles files;
    private final boolean tls;
    private final String ownOrigin;
    private final RequestStream stream;
    private final LogLevels logLevels = new LogLevels();

    AdminHandler(AdminContext ctx, Sessions sessions, LoginThrottle throttle, ConsoleFiles files, boolean tls,
                 String ownOrigin) {
        this.ctx = ctx;
        this.sessions = sessions;
        this.throttle = throttle;
        this.files = files;
        this.tls = tls;
        this.ownOrigin = ownOrigin;
        this.stream = new RequestStream(ctx.requests());
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this);
            return;
        }
        Replies.securityHeaders(ex);
        try {
            route(ex);
        } catch (RequestFilter.BadFilter | BadRequest e) {
            Replies.error(ex, 400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("admin {} {} failed", ex.getRequestMethod(), ex.getRequestPath(), e);
            if (!ex.isResponseStarted()) {
                Replies.error(ex, 500, "internal error: " + e.getClass().getSimpleName());
            }
        }
    }

    private void route(HttpServerExchange ex) throws Exception {
        String path = ex.getRequestPath();
        String method = ex.getRequestMethod().toString();
        boolean get = method.equals("GET") || method.equals("HEAD");
        boolean post = method.equals("POST");
        if (path.equals("/login.html") || path.startsWith("/assets/")) {
            if (!get) {
                methodNotAllowed(ex, "GET, HEAD");
            } else {
                files.send(ex, path.substring(1));
            }
            return;
        }
        if (path.equals("/api/login")) {
            if (post) {
                login(ex);
            } else {
                methodNotAllowed(ex, "POST");
            }
            return;
        }
        Optional<Caller> caller = caller(ex);
        if (caller.isEmpty()) {
            if (path.equals("/") || path.equals("/index.html")) {
                ex.setStatusCode(303);
                ex.getResponseHeaders().put(Headers.LOCATION, "/login.html");
                ex.endExchange();
                return;
            }
            ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse-admin\"");
            Replies.error(ex, 401, "log in, or send Authorization: Bearer with the [admin] token");
            return;
        }
        Caller who = caller.get();
        if (post && who.session().isPresent() && !sameOrigin(ex, who.session().get())) {
            Replies.error(ex, 403, "cross-site request refused");
            return;
        }
        if (get) {
            get(ex, path, who);
        } else if (post) {
            post(ex, path, who);
        } else {
            methodNotAllowed(ex, "GET, HEAD, POST");
        }
    }

    private void get(HttpServerExchange ex, String path, Caller who) throws Exception {
        switch (path) {
            case "/", "/index.html" -> files.send(ex, "index.html");
            case "/api/session" -> Replies.json(ex, 200, sessionJson(who));
            case "/api/pools" -> Replies.json(ex, 200, PoolsJson.of(ctx.pool().snapshot()));
            case "/api/routes" -> {
                Runtime rt = ctx.runtime().get();
                if (rt == null) {
                    Replies.error(ex, 503, "no configuration in service yet");
                } else {
                    Replies.json(ex, 200, RoutesJson.of(rt.generation(), rt.config()));
                }
            }
            case "/api/requests" -> requests(ex);
            case "/api/requests/stream" -> stream.open(ex, RequestFilter.from(ex.getQueryParameters()));
            case "/api/cache" -> Replies.json(ex, 200, CacheJson.stats(ctx.cache().get()));
            case "/api/config" -> Replies.json(ex, 200, ConfigJson.status(ctx.reload().status()));
            case "/api/series" -> Replies.json(ex, 200, StatsJson.series(ctx.stats().series()));
            case "/stats.json" -> Replies.json(ex, 200, ctx.stats().statsJson());
            case "/health_check" -> HealthCheck.answer(ex, ctx);
            case "/versions.json" -> Replies.json(ex, 200, Versions.json());
            case "/logging/level" -> {
                Optional<String> name = RequestFilter.param(ex.getQueryParameters(), "name");
                Replies.json(ex, 200, name.isPresent() ? logLevels.of(name.get()) : logLevels.all());
            }
            case "/debug/stacks" -> Replies.send(ex, 200, "text/plain; charset=utf-8", ThreadDump.now());
            default -> {
                if (path.startsWith("/api/pools/") && (path.endsWith("/drain") || path.endsWith("/undrain"))) {
                    methodNotAllowed(ex, "POST");
                } else {
                    Replies.error(ex, 404, "no such endpoint");
                }
            }
        }
    }

    private void post(HttpServerExchange ex, String path, Caller who) throws IOException {
        switch (path) {
            case "/api/logout" -> {
                who.session().ifPresent(s -> sessions.end(s.id()));
                clearCookie(ex);
                Audit.record(who.user(), who.from(), "logout", "ok");
                ex.setStatusCode(204);
                ex.endExchange();
            }
            case "/api/cache/purge" -> purge(ex, who);
            case "/api/config/reload" -> {
                ReloadOutcome outcome = ctx.reload().reload("console:" + who.user());
                Audit.record(who.user(), who.from(), "reload", outcome.applied() ? "applied (generation "
                        + outcome.generation() + ")" : "refused (" + outcome.errors().size() + " errors)");
                Replies.json(ex, outcome.applied() ? 200 : 422, ConfigJson.outcome(outcome));
            }
            case "/logging/level" -> {
                JsonNode body = jsonBody(ex);
                String name = text(body, "name").orElseThrow(() -> new BadRequest("name is required"));
                String level = text(body, "level").orElse(null);
                ObjectNode state = logLevels.set(name, level);
                Audit.record(who.user(), who.from(), "log level " + name + " " + (level == null ? "inherit" : level),
                        "ok");
                Replies.json(ex, 200, state);
            }
            default -> {
                if (path.startsWith("/api/pools/")) {
                    drain(ex, path, who);
                } else if (isGetOnly(path)) {
                    methodNotAllowed(ex, "GET, HEAD");
                } else {
                    Replies.error(ex, 404, "no such endpoint");
                }
            }
        }
    }

    private static boolean isGetOnly(String path) {
        return List.of("/", "/index.html", "/api/session", "/api/pools", "/api/routes", "/api/requests",
                "/api/requests/stream", "/api/cache", "/api/config", "/api/series", "/stats.json", "/health_check",
                "/versions.json", "/debug/stacks").contains(path);
    }

    // --- who is asking ---

    private Optional<Caller> caller(HttpServerExchange ex) {
        String from = ex.getSourceAddress().getAddress().getHostAddress();
        String authorization = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String bearer = authorization.substring(7).strip();
                Optional<String> user = ctx.credentials().check("", bearer);
                if (user.isPresent()) {
                    return Optional.of(new Caller(user.get(), Optional.empty(), from));
                }
                LOG.warn("admin: a wrong bearer token from {}", from);
            }
            return Optional.empty();
        }
        Cookie cookie = ex.getRequestCookie(COOKIE);
        if (cookie == null) {
            return Optional.empty();
        }
        return sessions.use(cookie.getValue()).map(s -> new Caller(s.user(), Optional.of(s), from));
    }

    /** A browser's state-changing call: its session's CSRF token, and no sign of another site. */
    private boolean sameOrigin(HttpServerExchange ex, Session session) {
        String token = ex.getRequestHeaders().getFirst("X-CSRF-Token");
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                session.csrf().getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        return !crossSite(ex);
    }

    /** {@code Sec-Fetch-Site: cross-site}, or an {@code Origin} that is not the admin listener's own. */
    private boolean crossSite(HttpServerExchange ex) {
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && site.equalsIgnoreCase("cross-site")) {
            return true;
        }
        String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null) {
            return false;
        }
        String host = ex.getRequestHeaders().getFirst(Headers.HOST);
        String asked = (tls ? "https://" : "http://") + host;
        return !(origin.equalsIgnoreCase(ownOrigin) || (host != null && origin.equalsIgnoreCase(asked)));
    }

    // --- login and session ---

    private void login(HttpServerExchange ex) throws IOException {
        String from = ex.getSourceAddress().getAddress().getHostAddress();
        if (crossSite(ex)) {
            Replies.error(ex, 403, "cross-site request refused"); // no logging a browser in from another site
            return;
        }
        Optional<Duration> wait = throttle.waitFor(from);
        if (wait.isPresent()) {
            tooMany(ex, wait.get());
            return;
        }
        String user;
        String password;
        String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            Map<String, String> form = form(new String(body(ex), StandardCharsets.UTF_8));
            user = form.get("user");
            password = form.get("password");
        } else {
            JsonNode body = jsonBody(ex);
            user = text(body, "user").orElse(null);
            password = text(body, "password").orElse(null);
        }
        if (user == null || password == null) {
            throw new BadRequest("user and password are required");
        }
        Optional<String> who = ctx.credentials().check(user, password);
        if (who.isEmpty()) {
            Duration held = throttle.failed(from);
            LOG.warn("admin: failed login for user {} from {}{}", printable(user), from,
                    held.isZero() ? "" : "; further attempts refused for " + held.toSeconds() + " s");
            Audit.record(user, from, "login", "refused");
            Replies.error(ex, 401, "wrong user or password");
            return;
        }
        throttle.succeeded(from);
        Session session = sessions.create(who.get());
        CookieImpl cookie = new CookieImpl(COOKIE, session.id());
        cookie.setHttpOnly(true).setSameSiteMode("Strict").setPath("/").setSecure(tls);
        ex.setResponseCookie(cookie);
        Audit.record(who.get(), from, "login", "ok");
        Replies.json(ex, 200, sessionJson(new Caller(who.get(), Optional.of(session), from)));
    }

    private static void tooMany(HttpServerExchange ex, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        ex.getResponseHeaders().put(Headers.RETRY_AFTER, seconds);
        Replies.error(ex, 429, "too many failed logins from this address; try again in " + seconds + " s");
    }

    private ObjectNode sessionJson(Caller who) {
        ObjectNode o = Replies.object();
        o.put("user", who.user());
        if (who.session().isPresent()) {
            o.put("csrf", who.session().get().csrf());
            o.put("expires_at", Replies.iso(sessions.expiresAt(who.session().get())));
        } else {
            o.putNull("csrf");
            o.putNull("expires_at");
        }
        return o;
    }

    private void clearCookie(HttpServerExchange ex) {
        CookieImpl cookie = new CookieImpl(COOKIE, "");
        cookie.setHttpOnly(true).setSameSiteMode("Strict").setPath("/").setSecure(tls).setMaxAge(0);
        ex.setResponseCookie(cookie);
    }

    // --- endpoints with a body or a path parameter ---

    private void requests(HttpServerExchange ex) {
        RequestFilter filter = RequestFilter.from(ex.getQueryParameters());
        int limit = RequestFilter.param(ex.getQueryParameters(), "limit").map(l -> {
            if (!l.matches("[0-9]{1,7}")) {
                throw new BadRequest("limit must be a whole number, got " + l);
            }
            return Math.max(1, Math.min(MAX_REQUESTS, Integer.parseInt(l)));
        }).orElse(100);
        List<RequestLogRecord> matching = new ArrayList<>();
        for (RequestLogRecord r : ctx.requests().latest(ctx.requests().capacity())) {
            if (filter.test(r)) {
                matching.add(r);
                if (matching.size() >= limit) {
                    break;
                }
            }
        }
        StringBuilder out = new StringBuilder(64 + 400 * matching.size());
        out.append("{\"fields\":[");
        for (int i = 0; i < RequestStream.FIELDS.size(); i++) {
            out.append(i == 0 ? "\"" : ",\"").append(RequestStream.FIELDS.get(i)).append('"');
        }
        out.append("],\"requests\":").append(RequestLogJson.toJsonArray(matching)).append('}');
        Replies.json(ex, 200, out.toString());
    }

    private void drain(HttpServerExchange ex, String path, Caller who) {
        String[] parts = path.split("/", -1); // "", api, pools, CLUSTER, members, ADDRESS, drain
        if (parts.length != 7 || !parts[4].equals("members") || !(parts[6].equals("drain") || parts[6].equals("undrain"))) {
            Replies.error(ex, 404, "no such endpoint");
            return;
        }
        String cluster = parts[3]; // the listener decoded %3A and the like already
        String member = parts[5];
        boolean draining = parts[6].equals("drain");
        boolean found = ctx.pool().drain(cluster, member, draining);
        Audit.record(who.user(), who.from(), parts[6] + " " + cluster + " " + member, found ? "ok" : "no such member");
        if (!found) {
            Replies.error(ex, 404, "cluster " + cluster + " has no member " + member);
            return;
        }
        ObjectNode o = Replies.object();
        o.put("cluster", cluster.startsWith("@") ? cluster.substring(1) : cluster);
        o.put("member", member);
        o.put("draining", draining);
        Replies.json(ex, 200, o);
    }

    private void purge(HttpServerExchange ex, Caller who) throws IOException {
        JsonNode body = jsonBody(ex);
        Optional<io.gatehouse.cache.handler.ResponseCache> cache = ctx.cache().get();
        String what;
        java.util.concurrent.CompletableFuture<Long> done;
        if (body.path("all").asBoolean(false)) {
            what = "purge all";
            done = cache.map(c -> c.purgeAll()).orElse(null);
        } else if (text(body, "url").isPresent()) {
            what = "purge " + text(body, "url").get();
            done = cache.map(c -> c.purge(text(body, "url").get(), false)).orElse(null);
        } else if (text(body, "prefix").isPresent()) {
            what = "purge prefix " + text(body, "prefix").get();
            done = cache.map(c -> c.purge(text(body, "prefix").get(), true)).orElse(null);
        } else {
            throw new BadRequest("give url, prefix or all: true");
        }
        long purged = 0;
        if (done != null) {
            try {
                purged = done.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Replies.error(ex, 503, "interrupted");
                return;
            } catch (ExecutionException | TimeoutException e) {
                Audit.record(who.user(), who.from(), what, "failed: " + e);
                Replies.error(ex, 500, "purge failed: " + e);
                return;
            }
        }
        Audit.record(who.user(), who.from(), what, purged + " purged");
        ObjectNode o = Replies.object();
        o.put("purged", purged);
        Replies.json(ex, 200, o);
    }

    // --- bodies ---

    private static byte[] body(HttpServerExchange ex) throws IOException {
        ex.startBlocking();
        try (InputStream in = ex.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new BadRequest("body larger than " + MAX_BODY + " bytes");
            }
            return bytes;
        }
    }

    private static JsonNode jsonBody(HttpServerExchange ex) throws IOException {
        byte[] bytes = body(ex);
        if (bytes.length == 0) {
            return Replies.object();
        }
        try {
            JsonNode node = Replies.JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void methodNotAllowed(HttpServerExchange ex, String allow) {
        ex.getResponseHeaders().put(Headers.ALLOW, allow);
        Replies.error(ex, 405, "method not allowed; use " + allow);
    }

    /** A request this endpoint cannot make sense of: answered 400 with the reason. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** A name as sent, with control characters shown as {@code ?}, for a log line. */
    private static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }
}
