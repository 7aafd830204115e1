package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.DocumentedExamples;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HashKey;
import io.gatehouse.config.model.HealthCheckSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.model.StatusRanges;
import io.gatehouse.config.model.StatusRanges.Range;
import io.gatehouse.upstream.balance.Strategies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The keys of an {@code [@name]} cluster that say how its members are treated (issue 9), as the loader
 * binds them into {@link ClusterSpec#policy()}: every default, and each key's good values. Errors and
 * warnings, each with its {@code file:line}, are in {@link ConfLoaderErrorsTest#memberPolicyCases()}.
 */
class ClusterPolicySettingsTest {
    private static final String API = "[@api]\nmembers = 10.0.0.1:80, 10.0.0.2:80\n";
    private static final String ROUTES = "[routes:line]\n/ = @api\n";

    @TempDir
    Path tmp;

    @Test
    void aClusterWithOnlyMembersHasEveryDefault() {
        ClusterSpec spec = cluster(API);
        assertEquals("round_robin", spec.strategy());
        assertEquals(MemberPolicy.DEFAULTS, spec.policy());
        MemberPolicy p = spec.policy();
        assertEquals(new HashKey(HashKey.Kind.URI, ""), p.hashKey());
        assertEquals(Optional.empty(), p.health());
        assertEquals(1, p.maxFails());
        assertEquals(Duration.ofSeconds(10), p.failTimeout());
        assertTrue(p.failOn().isEmpty());
        assertEquals(Duration.ZERO, p.slowStart());
        assertEquals(MemberPolicy.EACH_MEMBER_ONCE, p.retries());
        assertEquals(64 * 1024, p.retryBodyMax());
        assertEquals(Duration.ZERO, p.retryTimeout());
        assertEquals(0, p.maxConnections());
        assertEquals(100, p.maxQueue());
        assertEquals(Duration.ofSeconds(5), p.queueTimeout());
        assertEquals(List.of(false, false), spec.members().stream().map(MemberSpec::down).toList());
    }

    @ParameterizedTest(name = "strategy = {0}")
    @CsvSource({"round_robin, round_robin", "least_conn, least_conn", "ip_hash, ip_hash",
        "consistent_hash, consistent_hash", "random_two, random_two", "ewma, ewma", "Least_Conn, least_conn",
        "EWMA, ewma"})
    void acceptsEveryStrategyByNameInAnyCase(String written, String bound) {
        assertEquals(bound, cluster(API + "strategy = " + written + "\n").strategy());
    }

    @Test
    void acceptsEveryStrategyTheBalancerKnows() {
        assertTrue(ClusterSectionBinder.STRATEGIES.containsAll(Strategies.names()),
                "a strategy Strategies implements is refused by the binder: " + Strategies.names());
    }

    @ParameterizedTest(name = "hash_key = {0}")
    @CsvSource(delimiter = '|', value = {"client | CLIENT | ''", "path | PATH | ''", "uri | URI | ''",
        "URI | URI | ''", "header:X-Tenant | HEADER | X-Tenant", "Header: X-Tenant | HEADER | X-Tenant",
        "header:x_user.id~1 | HEADER | x_user.id~1", "cookie:session | COOKIE | session",
        "cookie:__Host-sid | COOKIE | __Host-sid"})
    void bindsEveryHashKeyForm(String written, HashKey.Kind kind, String name) {
        ClusterSpec spec = cluster(API + "strategy = consistent_hash\nhash_key = " + written + "\n");
        assertEquals(new HashKey(kind, name), spec.policy().hashKey());
    }

    @Test
    void healthAloneChecksThatPathWithEveryDefault() {
        assertEquals(Optional.of(new HealthCheckSpec("/healthz", Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 3,
                        new StatusRanges(List.of(new Range(200, 399))), Optional.empty())),
                cluster(API + "health = /healthz\n").policy().health());
    }

    @Test
    void bindsEveryHealthCheckSetting() {
        ClusterSpec spec = cluster(API + "health = /status?full=1&x=%2F\nhealth_interval = 10s\nhealth_timeout = 1500ms\n"
                + "rise = 1\nfall = 5\nhealth_status = 200, 301-302\nhealth_host = API.example.com:8443\n");
        assertEquals(Optional.of(new HealthCheckSpec("/status?full=1&x=%2F", Duration.ofSeconds(10),
                        Duration.ofMillis(1500), 1, 5, new StatusRanges(List.of(new Range(200, 200), new Range(301, 302))),
                        Optional.of("API.example.com:8443"))),
                spec.policy().health());
    }

    @ParameterizedTest(name = "health_status = {0}")
    @CsvSource(delimiter = '|', value = {"200-399 | 200-399", "200 | 200", "200, 301-302 | 200, 301-302",
        "204,200 - 299 | 204, 200-299", "100-599 | 100-599"})
    void bindsHealthStatusCodesAndRanges(String written, String shown) {
        StatusRanges status = cluster(API + "health = /hc\nhealth_status = " + written + "\n").policy().health()
                .orElseThrow().status();
        assertEquals(shown, status.toString());
    }

    @ParameterizedTest(name = "health_host = {0}")
    @ValueSource(strings = {"api.example.com", "api.example.com:8080", "10.0.0.1", "[::1]:8080", "localhost"})
    void bindsAHealthHostAsWritten(String written) {
        assertEquals(Optional.of(written),
                cluster(API + "health = /hc\nhealth_host = " + written + "\n").policy().health().orElseThrow().host());
    }

    @Test
    void bindsPassiveHealth() {
        MemberPolicy p = cluster(API + "max_fails = 3\nfail_timeout = 30s\nfail_on = 502, 503, 504\n").policy();
        assertEquals(3, p.maxFails());
        assertEquals(Duration.ofSeconds(30), p.failTimeout());
        assertEquals(new StatusRanges(List.of(new Range(502, 502), new Range(503, 503), new Range(504, 504))), p.failOn());
        assertTrue(p.failOn().contains(503));
        assertTrue(!p.failOn().contains(500));

        assertEquals(0, cluster(API + "max_fails = 0\n").policy().maxFails());
        assertEquals("500-599", cluster(API + "fail_on = 500-599\n").policy().failOn().toString());
        assertEquals("403, 404, 429", cluster(API + "fail_on = 403, 404, 429\n").policy().failOn().toString());
        assertEquals(StatusRanges.NONE, cluster(API + "fail_on =\n").policy().failOn());
    }

    @Test
    void bindsSlowStartAndZeroTurnsItOff() {
        assertEquals(Duration.ofSeconds(30), cluster(API + "slow_start = 30s\n").policy().slowStart());
        assertEquals(Duration.ofMinutes(2), cluster(API + "slow_start = 2m\n").policy().slowStart());
        assertEquals(Duration.ZERO, cluster(API + "slow_start = 0\n").policy().slowStart());
        // 0 says "off" even with a hash strategy: nothing to warn about
        assertEquals(Duration.ZERO, cluster(API + "strategy = ip_hash\nslow_start = 0\n").policy().slowStart());
    }

    @Test
    void bindsRetries() {
        MemberPolicy p = cluster(API + "retries = 2\nretry_body_max = 1m\nretry_timeout = 5s\n").policy();
        assertEquals(2, p.retries());
        assertEquals(1024 * 1024, p.retryBodyMax());
        assertEquals(Duration.ofSeconds(5), p.retryTimeout());
        assertEquals(3, p.maxAttempts(5));
        assertEquals(2, p.maxAttempts(2));

        MemberPolicy none = cluster(API + "retries = 0\n").policy();
        assertEquals(0, none.retries());
        assertEquals(1, none.maxAttempts(2));
        assertEquals(0, cluster(API + "retry_body_max = 0\nretry_timeout = 0\n").policy().retryBodyMax());
        assertEquals(64L << 20, cluster(API + "retry_body_max = 64m\n").policy().retryBodyMax());
    }

    @Test
    void bindsOverloadLimits() {
        MemberPolicy p = cluster(API + "max_connections = 100\nmax_queue = 50\nqueue_timeout = 500ms\n").policy();
        assertEquals(100, p.maxConnections());
        assertEquals(50, p.maxQueue());
        assertEquals(Duration.ofMillis(500), p.queueTimeout());
        assertEquals(0, cluster(API + "max_connections = 10\nmax_queue = 0\n").policy().maxQueue());
    }

    @Test
    void downTakesAMemberOutWithItsOtherParametersInAnyOrder() {
        ClusterSpec spec = cluster("[@api]\nmembers = 10.0.0.1:80 down, 10.0.0.2:80 weight=2 DOWN backup,"
                + " 10.0.0.3:80 backup, 10.0.0.4:80\n");
        List<MemberSpec> m = spec.members();
        assertEquals(new MemberSpec(m.get(0).pos(), new HostPort("10.0.0.1", 80), 1, false, true), m.get(0));
        assertEquals(new MemberSpec(m.get(0).pos(), new HostPort("10.0.0.2", 80), 2, true, true), m.get(1));
        assertEquals(new MemberSpec(m.get(0).pos(), new HostPort("10.0.0.3", 80), 1, true, false), m.get(2));
        assertEquals(new MemberSpec(m.get(0).pos(), new HostPort("10.0.0.4", 80), 1, false, false), m.get(3));
    }

    /** The example in docs/configuration.md that sets every key: it loads as it is, to the values its comments give. */
    @Test
    void theDocumentedExampleClusterLoadsWithoutAProblem() {
        ClusterSpec spec = cluster(DocumentedExamples.ini("[@api]"));
        assertEquals(new MemberPolicy(HashKey.URI_KEY,
                        Optional.of(new HealthCheckSpec("/healthz", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3,
                                new StatusRanges(List.of(new Range(200, 299))), Optional.of("api.internal"))),
                        3, Duration.ofSeconds(10), new StatusRanges(List.of(new Range(502, 502), new Range(503, 503),
                                new Range(504, 504))), Duration.ofSeconds(30), 2, 64 * 1024, Duration.ofSeconds(15), 200,
                        100, Duration.ofSeconds(5)),
                spec.policy());
        assertEquals(List.of(false, false, true, false), spec.members().stream().map(MemberSpec::down).toList());
    }

    private ClusterSpec cluster(String section) {
        ConfDirFixture dir = new ConfDirFixture(tmp);
        dir.file("a.conf", section + ROUTES);
        LoadOutcome loaded = dir.load();
        assertEquals(List.of(), dir.shown(loaded.problems()));
        return loaded.config().orElseThrow().clusters().get("api");
    }
}
