package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.log.RequestLogRecord;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may reach a cluster by address (issue 11, "Rules"): {@code ips} with IPv6 ranges, the client behind
 * trusted proxies (the right-most untrusted {@code X-Forwarded-For} address, used alike by {@code ips},
 * the {@code X-Forwarded-For} sent on, {@code ip_hash} and the request log), and a spoofed
 * {@code X-Forwarded-For} from a peer that is not trusted, which changes nothing.
 */
class AuthAccessRulesTest {
    @TempDir
    Path tmp;
    CountingOrigin origin;
    final List<GatehouseHarness> started = new ArrayList<>();
    final List<CountingOrigin> hashed = new ArrayList<>();

    @BeforeEach
    void startOrigin() {
        origin = CountingOrigin.start();
        for (String path : List.of("/v6a/x", "/v6b/x", "/v6c/x", "/inside/x", "/open/x", "/hash/x")) {
            origin.on(path, CountingOrigin.Answer.ok("ok"));
        }
    }

    @AfterEach
    void stop() {
        started.forEach(GatehouseHarness::close);
        hashed.forEach(CountingOrigin::close);
        origin.close();
    }

    private GatehouseHarness start(String name, String conf) throws Exception {
        GatehouseHarness g = GatehouseHarness.start(Files.createDirectories(tmp.resolve(name)), conf);
        started.add(g);
        return g;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/v6a/x, 200",  // ips = ::1
        "/v6b/x, 200",  // ips = ::1/128
        "/v6c/x, 403",  // ips = 2001:db8::/32, 127.0.0.0/8: neither holds ::1
    })
    void ipv6ClientsAreMatchedAgainstIpv6AddressesAndRanges(String path, int expected) throws Exception {
        GatehouseHarness g = start("v6", """
                [server]
                ip = ::1
                port = ${PORT}

                [routes:line]
                /v6a = @v6a
                /v6b = @v6b
                /v6c = @v6c

                [@v6a]
                members = %1$s
                ips = ::1

                [@v6b]
                members = %1$s
                ips = ::1/128

                [@v6c]
                members = %1$s
                ips = 2001:db8::/32, 127.0.0.0/8
                """.formatted(origin.address()));
        int before = origin.requests(path);
        HttpResponse<String> answer = AuthTokens.get(URI.create("http://[::1]:" + g.port + path), r -> { });

        assertEquals(expected, answer.statusCode(), answer.body());
        assertEquals(expected == 200 ? before + 1 : before, origin.requests(path));
        if (expected == 403) {
            assertTrue(answer.body().startsWith("{\"status\":403,\"error\":\"forbidden: the client address is not allowed\""),
                    answer.body());
        }
    }

    private static final String BEHIND_PROXIES = """
            [server]
            port = ${PORT}
            trusted_proxies = %s

            [routes:line]
            /inside = @inside
            /open = @open

            [@inside]
            members = %s
            ips = 203.0.113.0/24

            [@open]
            members = %s
            """;

    @Test
    void behindAChainOfTrustedProxiesTheClientIsTheRightMostUntrustedAddressEverywhere() throws Exception {
        GatehouseHarness g = start("trusted", BEHIND_PROXIES.formatted("127.0.0.1, 10.0.0.0/8",
                origin.address(), origin.address()));

        HttpResponse<String> answer = AuthTokens.get(g.uri("/inside/x"),
                r -> r.header("X-Forwarded-For", "198.51.100.1, 203.0.113.7").header("X-Forwarded-For", "10.0.0.5"));

        assertEquals(200, answer.statusCode(), answer.body());
        CountingOrigin.Request seen = origin.last("/inside/x");
        String xff = String.join(", ", seen.headers().get("x-forwarded-for"));
        assertEquals("198.51.100.1, 203.0.113.7, 10.0.0.5, 203.0.113.7", xff,
                "the member reads the client as the right-most X-Forwarded-For address");
        RequestLogRecord logged = AuthTokens.awaitLogged(g, answer.headers().firstValue("X-Request-ID").orElseThrow());
        assertEquals("203.0.113.7", logged.clientIp());
        assertTrue(logged.client().startsWith("127.0.0.1:"), "field 3 stays the socket peer: " + logged.client());

        HttpResponse<String> outside = AuthTokens.get(g.uri("/inside/x"),
                r -> r.header("X-Forwarded-For", "203.0.113.7, 198.51.100.9"));
        assertEquals(403, outside.statusCode(), "the right-most untrusted address is outside ips");
    }

    @Test
    void aSpoofedForwardedForFromAPeerThatIsNotTrustedChangesNothing() throws Exception {
        GatehouseHarness g = start("untrusted", BEHIND_PROXIES.formatted("10.0.0.0/8",
                origin.address(), origin.address()));

        HttpResponse<String> refused = AuthTokens.get(g.uri("/inside/x"), r -> r.header("X-Forwarded-For", "203.0.113.7"));
        assertEquals(403, refused.statusCode(), "127.0.0.1 is the client, and it is outside ips");

        HttpResponse<String> open = AuthTokens.get(g.uri("/open/x"), r -> r.header("X-Forwarded-For", "203.0.113.7"));
        assertEquals(200, open.statusCode());
        assertEquals("203.0.113.7, 127.0.0.1", String.join(", ", origin.last("/open/x").headers().get("x-forwarded-for")));
        assertEquals("127.0.0.1", AuthTokens.awaitLogged(g, open.headers().firstValue("X-Request-ID").orElseThrow()).clientIp());
    }

    @Test
    void ipHashBalancesOnTheClientFoundBehindTrustedProxies() throws Exception {
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            CountingOrigin member = CountingOrigin.start();
            member.on("/hash/x", CountingOrigin.Answer.ok("m" + i));
            hashed.add(member);
            members.append(i == 0 ? "" : ", ").append(member.address());
        }
        GatehouseHarness g = start("hash", """
                [server]
                port = ${PORT}
                trusted_proxies = 127.0.0.1

                [routes:line]
                /hash = @hashed

                [@hashed]
                members = %s
                strategy = ip_hash
                """.formatted(members));

        Map<String, Set<String>> membersByClient = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int c = 1; c <= 16; c++) {
                String client = "203.0.113." + c;
                HttpResponse<String> answer = AuthTokens.get(g.uri("/hash/x"),
                        r -> r.header("X-Forwarded-For", client));
                assertEquals(200, answer.statusCode());
                membersByClient.computeIfAbsent(client, k -> new HashSet<>()).add(answer.body());
            }
        }
        membersByClient.forEach((client, used) -> assertEquals(1, used.size(), client + " went to " + used));
        Set<String> all = new HashSet<>();
        membersByClient.values().forEach(all::addAll);
        assertTrue(all.size() > 1, "16 clients behind one proxy are spread over the members, not all on one: " + all);
    }
}
