package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.runtime.RuntimeBuilder;
import io.gatehouse.spi.StageFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster with {@code roles} or {@code ips} is never served open: when no stage that enforces access
 * wraps its route (the auth module missing from the stage list), the build refuses the route.
 */
class AccessRulesFailClosedTest {
    @TempDir
    Path tmp;
    private MemberSide side;

    @BeforeEach
    void start() {
        side = MemberSide.start(host -> InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), System::nanoTime);
    }

    @AfterEach
    void stop() {
        side.close();
    }

    private List<String> build(String conf, List<StageFactory> stages) {
        ConfDirFixture dir = new ConfDirFixture(tmp);
        dir.file("site.conf", conf);
        LoadOutcome loaded = dir.load();
        GatehouseConfig config = loaded.config().orElseThrow(() -> new AssertionError(loaded.problems()));
        return new RuntimeBuilder(side.registry, side.connector, new AtomicLong(), record -> { }, stages)
                .build(config).problems().stream().filter(Problem::isError).map(Problem::toString).toList();
    }

    @Test
    void aRouteToAClusterWithRolesOrIpsIsRefusedWhenNoStageEnforcesAccess() {
        String conf = "[api-gateway]\nenable_gateway = yes\nauthenticate = yes\nsecret_key = "
                + "0123456789abcdef0123456789abcdef\n[routes:line]\n/api = @api\n/lan = @lan\n/open = @open\n"
                + "[@api]\nmembers = 127.0.0.1:9\nroles = admin\n"
                + "[@lan]\nmembers = 127.0.0.1:9\nips = 10.0.0.0/8\n"
                + "[@open]\nmembers = 127.0.0.1:9\n";
        List<String> errors = build(conf, List.of());
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).endsWith("site.conf:6: cluster @api has roles or ips, but no access stage is"
                + " installed to enforce them; refusing the route"), errors.get(0));
        assertTrue(errors.get(1).contains("site.conf:7: cluster @lan"), errors.get(1));

        StageFactory wrapsButDoesNotGuard = (route, next) -> exchange -> next.handleRequest(exchange);
        assertEquals(2, build(conf, List.of(wrapsButDoesNotGuard)).size(), "a stage that wraps is not enough");

        StageFactory guard = new StageFactory() {
            @Override
            public io.undertow.server.HttpHandler wrap(io.gatehouse.spi.RouteContext route,
                                                       io.undertow.server.HttpHandler next) {
                return route.cluster().map(c -> c.roles().isEmpty() && c.ips().isEmpty()).orElse(true)
                        ? next : exchange -> exchange.setStatusCode(403).endExchange();
            }

            @Override
            public boolean enforcesAccess() {
                return true;
            }
        };
        assertEquals(List.of(), build(conf, List.of(guard)));
    }
}
