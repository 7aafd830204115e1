package io.gatehouse.auth.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.auth.token.MutableClock;
import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.handler.JsonErrorHandler;
import io.gatehouse.spi.RouteContext;
import io.gatehouse.spi.StageFactory;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auth stages as {@code ChainAssembler} composes them, on a real loopback server with an injected
 * clock: which routes get which stage (and that a route without rules gets none), the leeway at the
 * {@code exp} boundary, and that a remembered token stops working when it expires.
 */
class AuthStagesTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path tmp;
    final MutableClock now = new MutableClock(T);
    final AuthStages stages = new AuthStages(now, Executors.newSingleThreadExecutor());
    final AtomicReference<AuthenticatedUser> seen = new AtomicReference<>();
    final HttpHandler target = exchange -> {
        seen.set(exchange.getAttachment(AuthenticatedUser.KEY));
        exchange.getResponseSender().send("passed");
    };
    Undertow server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        stages.close();
    }

    /** A site that authenticates with {@code gatewayKeys} and routes /api to a cluster with roles = user. */
    private GatehouseConfig protectedApi(String gatewayKeys) throws Exception {
        return load("[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n" + gatewayKeys
                + "\n[routes:line]\n/api = @api\n[@api]\nmembers = 10.0.0.1:80\nroles = user\n");
    }

    private GatehouseConfig load(String conf) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(dir.resolve("a.conf"), conf);
        LoadOutcome outcome = ConfLoader.load(dir, Map.of(), List.of());
        return outcome.config().orElseThrow(() -> new AssertionError(outcome.problems()));
    }

    /** The route for {@code path} of the first site, as the runtime builder hands it to the stages. */
    private static RouteContext route(GatehouseConfig config, String path) {
        SiteSpec site = config.sites().get(0);
        VirtualHostSpec vhost = site.vhosts().get(0);
        RouteSpec route = vhost.routes().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
        Optional<ClusterTarget> cluster = route.targets().stream().filter(ClusterTarget.class::isInstance)
                .map(ClusterTarget.class::cast).findFirst();
        return new RouteContext(config, site, vhost, route, cluster.map(c -> config.clusters().get(c.cluster())));
    }

    private HttpHandler chain(RouteContext route) {
        HttpHandler handler = target;
        List<StageFactory> factories = stages.factories();
        for (int i = factories.size() - 1; i >= 0; i--) {
            handler = factories.get(i).wrap(route, handler);
        }
        return handler;
    }

    private URI serve(HttpHandler chain) {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(new JsonErrorHandler(chain)).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return URI.create("http://127.0.0.1:" + port + "/api");
    }

    private static int get(URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String token(String user, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().claim("user", user)
                .claim("roles", List.of("user")).expirationTime(Date.from(expires)).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void aRouteWithoutRolesOrIpsOnASiteWithoutTrustedProxiesGetsNoStage() throws Exception {
        GatehouseConfig config = load("""
                [api-gateway]
                enable_gateway = yes
                authenticate = yes
                secret_key = %s
                [routes:line]
                /open = @open
                /static = return 200 OK
                /api = @api
                [@open]
                members = 10.0.0.1:80
                [@api]
                members = 10.0.0.1:80
                roles = user
                """.formatted(SECRET));

        for (String path : List.of("/open", "/static")) {
            for (StageFactory factory : stages.factories()) {
                assertSame(target, factory.wrap(route(config, path), target), path);
            }
        }
        assertNotSame(target, chain(route(config, "/api")));
    }

    @Test
    void theLeewayLetsATokenInUntilExpPlusLeewayAndNotASecondLonger() throws Exception {
        GatehouseConfig config = protectedApi("secret_key = " + SECRET + "\nleeway = 30s\ntoken_cache = 0");
        URI uri = serve(chain(route(config, "/api")));
        String token = token("hansroh", T.plusSeconds(60));

        now.set(T.plusSeconds(60 + 29));
        assertEquals(200, get(uri, token), "29 s after exp, inside a 30 s leeway");
        assertEquals("hansroh", seen.get().user());
        assertEquals(List.of("user"), seen.get().roles());
        now.set(T.plusSeconds(60 + 30));
        assertEquals(401, get(uri, token), "30 s after exp: the leeway is used up");
    }

    @Test
    void aRememberedTokenStopsWorkingWhenItExpires() throws Exception {
        Files.writeString(tmp.resolve("tokens.txt"), "opaque-0001 alice user 2026-06-01T12:01:00Z\n");
        GatehouseConfig config = protectedApi("token_file = tokens.txt\ntoken_cache = 10m");
        URI uri = serve(chain(route(config, "/api")));

        now.set(T.plusSeconds(59));
        assertEquals(200, get(uri, "opaque-0001"));
        now.set(T.plusSeconds(60));
        seen.set(null);
        assertEquals(401, get(uri, "opaque-0001"), "the cache keeps a token no longer than it is valid");
        assertNull(seen.get());
    }

    @Test
    void aClusterWithRolesBehindASiteThatDoesNotAuthenticateIsServedClosedEvenWithoutTheCheck() throws Exception {
        GatehouseConfig config = load("""
                [routes:line]
                /api = @api
                [@api]
                members = 10.0.0.1:80
                roles = user
                """);
        URI uri = serve(chain(route(config, "/api")));

        assertEquals(401, get(uri, token("hansroh", T.plusSeconds(3600))));
        assertEquals(401, get(uri, null));
    }
}
