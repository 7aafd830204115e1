package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.config.model.ServerSpec;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code [api-gateway]} and {@code [server] trusted_proxies} as the loader binds them: every key's
 * default and a written value, the lines kept for the auth module's check, and the warnings for token
 * keys that have no effect because the site does not authenticate.
 */
class GatewaySettingsTest {
    private static final String ROUTES = "[routes:line]\n/ = return 200 OK\n";
    private static final String ON = "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> keys() {
        return Stream.of(
                key("realm", "Shop", GatewaySpec::realm, "API Gateway"),
                key("secret_key", "k", GatewaySpec::secretKey, ""),
                key("jwks", "https://id.example/jwks.json", GatewaySpec::jwks, ""),
                key("jwks_refresh", "10m", GatewaySpec::jwksRefresh, Duration.ofMinutes(5)),
                key("algorithms", "rs256, es256", GatewaySpec::algorithms, List.of()),
                key("user_claim", "sub", GatewaySpec::userClaim, "user"),
                key("roles_claim", "scope", GatewaySpec::rolesClaim, "roles"),
                key("leeway", "0", GatewaySpec::leeway, Duration.ofSeconds(30)),
                key("issuer", "https://id.example", GatewaySpec::issuer, ""),
                key("audience", "shop-api", GatewaySpec::audience, ""),
                key("token_file", "tokens.txt", GatewaySpec::tokenFile, ""),
                key("user_header", "X-User", GatewaySpec::userHeader, "X-Auth-User"),
                key("roles_header", "X-Groups", GatewaySpec::rolesHeader, "X-Auth-Roles"),
                key("token_cache", "0", GatewaySpec::tokenCache, Duration.ofSeconds(60)));
    }

    static Arguments key(String key, String written, Function<GatewaySpec, Object> read, Object dflt) {
        return Arguments.of(key, written, read, dflt);
    }

    static Object expected(String key, String written) {
        return switch (key) {
            case "jwks_refresh" -> Duration.ofMinutes(10);
            case "leeway", "token_cache" -> Duration.ZERO;
            case "algorithms" -> List.of("RS256", "ES256");
            default -> written;
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void eachKeyHasItsDefaultAndTakesAWrittenValueAtItsLine(String key, String written,
                                                           Function<GatewaySpec, Object> read, Object dflt) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ON + ROUTES);
        assertEquals(dflt, read.apply(gateway(f)));

        f.file("a.conf", ON + key + " = " + written + "\n" + ROUTES);
        GatewaySpec spec = gateway(f);
        assertEquals(expected(key, written), read.apply(spec));
        assertEquals(new SourcePos(f.dir().resolve("a.conf").toString(), 4), spec.keys().of(key));
    }

    @Test
    void tokenKeysOfASiteThatDoesNotAuthenticateAreWarnedAbout() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[api-gateway]\nenable_gateway = yes\nsecret_key = k\njwks = j.json\nuser_header = X-U\n" + ROUTES);
        assertEquals(List.of(
                "@D/a.conf:3: warning: [api-gateway] secret_key has no effect without enable_gateway = yes and"
                        + " authenticate = yes",
                "@D/a.conf:4: warning: [api-gateway] jwks has no effect without enable_gateway = yes and"
                        + " authenticate = yes"), f.problems());
    }

    @Test
    void trustedProxiesAreKeptAsWrittenWithTheirLine() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", "[server]\nport = 8080\ntrusted_proxies = 10.0.0.0/8, ::1\n" + ROUTES);
        ServerSpec server = config(f).sites().get(0).server();
        assertEquals(List.of("10.0.0.0/8", "::1"), server.trustedProxies());
        assertEquals(new SourcePos(f.dir().resolve("a.conf").toString(), 3), server.trustedProxiesPos());

        f.file("a.conf", "[server]\nport = 8080\n" + ROUTES);
        assertEquals(List.of(), config(f).sites().get(0).server().trustedProxies());
    }

    private static GatehouseConfig config(ConfDirFixture f) {
        LoadOutcome outcome = f.load();
        return outcome.config().orElseThrow(() -> new AssertionError(outcome.problems()));
    }

    private static GatewaySpec gateway(ConfDirFixture f) {
        return config(f).sites().get(0).gateway();
    }
}
