package io.gatehouse.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the auth configuration check reports, through the loader that {@code check}, the start and a
 * reload share: each case writes {@code conf.d/a.conf} (and any key files beside {@code conf.d}) and
 * compares every problem, as {@code a.conf:LINE: message} (a message given with a trailing {@code ...}
 * is compared up to there).
 */
class AuthChecksTest {
    @TempDir
    Path tmp;

    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final String ADMIN = "\n[routes:line]\n/admin = @admin\n\n[@admin]\nmembers = 10.0.0.1:80\nroles = admin\n";

    static Arguments of(String name, String conf, String... expected) {
        return Arguments.of(name, conf, List.of(expected));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                of("a good HS256 gateway", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\nsecret_key = "
                        + SECRET + "\n" + ADMIN),
                of("roles behind a site without [api-gateway]", ADMIN,
                        "a.conf:3: route /admin = @admin: @admin lets in only tokens with roles admin (a.conf:7),"
                                + " but this site's [api-gateway] does not check tokens; set enable_gateway = yes and"
                                + " authenticate = yes with a key, or remove roles (a cluster with roles is never served"
                                + " without a token check)"),
                of("roles behind authenticate without enable_gateway",
                        "[api-gateway]\nauthenticate = yes\nsecret_key = " + SECRET + "\n" + ADMIN,
                        "a.conf:2: warning: [api-gateway] authenticate = yes has no effect while enable_gateway is no...",
                        "a.conf:3: warning: [api-gateway] secret_key has no effect without enable_gateway = yes and"
                                + " authenticate = yes",
                        "a.conf:6: route /admin = @admin: @admin lets in only tokens with roles admin (a.conf:10)..."),
                of("authenticate without any key", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n" + ADMIN,
                        "a.conf:3: [api-gateway] authenticate = yes needs a key to check tokens with: secret_key"
                                + " (HS256), jwks (RS256, PS256, ES256) or token_file (opaque tokens)"),
                of("a 16-byte secret_key", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "secret_key = 0123456789abcdef\n" + ADMIN,
                        "a.conf:4: [api-gateway] secret_key must be at least 32 bytes (HS256 needs 256 bits), got 16"),
                of("an unknown algorithm", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\nsecret_key = "
                                + SECRET + "\nalgorithms = HS256, XS999\n" + ADMIN,
                        "a.conf:5: [api-gateway] algorithm XS999 is not supported; use one of ..."),
                of("alg none listed", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\nsecret_key = "
                                + SECRET + "\nalgorithms = none, HS256\n" + ADMIN,
                        "a.conf:5: [api-gateway] algorithm none can never be accepted: unsigned tokens prove nothing"),
                of("a public-key algorithm without jwks", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "secret_key = " + SECRET + "\nalgorithms = RS256\n" + ADMIN,
                        "a.conf:4: warning: [api-gateway] secret_key has no effect: algorithms lists no HS256, HS384 or HS512",
                        "a.conf:5: [api-gateway] jwks is required for RS256"),
                of("an HMAC algorithm with only a jwks", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "jwks = keys/jwks.json\nalgorithms = HS256, RS256\n" + ADMIN,
                        "a.conf:1: [api-gateway] secret_key is required for HS256"),
                of("a jwks file that is missing", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "jwks = keys/missing.json\n" + ADMIN,
                        "a.conf:4: [api-gateway] jwks @T/keys/missing.json: NoSuchFileException: @T/keys/missing.json"),
                of("a jwks file that is no JWKS", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "jwks = keys/not-jwks.json\n" + ADMIN,
                        "a.conf:4: [api-gateway] jwks @T/keys/not-jwks.json: not a JWKS: Unexpected type of JSON object member keys"),
                of("a jwks URL is not fetched by the check", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                        + "jwks = https://127.0.0.1:9/jwks.json\n" + ADMIN),
                of("a jwks URL over plain http", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "jwks = http://127.0.0.1:9/jwks.json\n" + ADMIN,
                        "a.conf:4: warning: [api-gateway] jwks over plain http: anyone on the way can replace the keys"
                                + " and sign their own tokens; use https"),
                of("a token file that is missing", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "token_file = keys/none.txt\n" + ADMIN,
                        "a.conf:4: [api-gateway] token_file @T/keys/none.txt: cannot read: NoSuchFileException..."),
                of("a token file with a bad line", "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\n"
                                + "token_file = keys/bad-tokens.txt\n" + ADMIN,
                        "a.conf:4: [api-gateway] token_file @T/keys/bad-tokens.txt:2: expected TOKEN USER ROLES EXPIRES,"
                                + " got 2 field(s)"),
                of("authenticate with no route to a cluster with roles", "[api-gateway]\nenable_gateway = yes\n"
                                + "authenticate = yes\nsecret_key = " + SECRET + "\n[routes:line]\n/ = return 200 OK\n",
                        "a.conf:3: warning: [api-gateway] authenticate = yes has no effect: no route of this site leads"
                                + " to a cluster with roles, and only those ask for a token"),
                of("an ips entry that is not an address", "[routes:line]\n/ = @api\n[@api]\nmembers = 10.0.0.1:80\n"
                                + "ips = 10.0.0.0/8, 10.0.0.300/8, ::1\n",
                        "a.conf:5: [@api] ips: 10.0.0.300/8 is not an IPv4 or IPv6 address or CIDR block"),
                of("an ips entry with host bits", "[routes:line]\n/ = @api\n[@api]\nmembers = 10.0.0.1:80\n"
                                + "ips = 10.1.2.5/24\n",
                        "a.conf:5: warning: [@api] ips: 10.1.2.5/24 is read as 10.1.2.0/24"),
                of("a trusted_proxies entry that is a host name", "[server]\nport = 8080\ntrusted_proxies = 10.0.0.0/8,"
                                + " lb.internal\n[routes:line]\n/ = return 200 OK\n",
                        "a.conf:3: [server] trusted_proxies: lb.internal is not an IPv4 or IPv6 address or CIDR block"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEachProblemAtItsLine(String name, String conf, List<String> expected) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("conf.d"));
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Files.writeString(keys.resolve("not-jwks.json"), "{\"keys\": \"nope\"}");
        Files.writeString(keys.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}");
        Files.writeString(keys.resolve("bad-tokens.txt"), "good-token alice user 0\nonly two\n");
        Files.writeString(dir.resolve("a.conf"), conf);

        LoadOutcome outcome = ConfLoader.load(dir, Map.of(), List.of(new AuthChecks()));

        List<String> got = outcome.problems().stream().map(Object::toString)
                .map(p -> p.replace(tmp.toUri().getPath().replaceAll("/$", ""), "@T").replace(tmp.toString(), "@T")
                        .replace("@T/conf.d", "@D").replace("@D/a.conf:", "a.conf:"))
                .toList();
        assertEquals(expected.size(), got.size(), "problems: " + got);
        for (int i = 0; i < expected.size(); i++) {
            String want = expected.get(i);
            if (want.endsWith("...")) {
                assertTrue(got.get(i).startsWith(want.substring(0, want.length() - 3)), "expected " + want + "\n got " + got.get(i));
            } else {
                assertEquals(want, got.get(i));
            }
        }
    }
}
