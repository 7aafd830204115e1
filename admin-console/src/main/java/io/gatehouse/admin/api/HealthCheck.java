package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.runtime.Runtime;
import io.gatehouse.upstream.health.MemberStatus;
import io.gatehouse.view.ClusterView;
import io.gatehouse.view.MemberView;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /health_check?max_level=N}, for a load balancer or a monitor in front of Gatehouse: every
 * check up to level {@code N} (default 1) passes, 200; else 500, with what failed and why. Level 1:
 * {@code listeners} (every configured listener is bound) and {@code cluster:NAME} (the cluster has a
 * usable member); level 2: {@code config} (the last reload was not refused).
 */
final class HealthCheck {
    private HealthCheck() {
    }

    static void answer(HttpServerExchange ex, AdminContext ctx) {
        int maxLevel = RequestFilter.param(ex.getQueryParameters(), "max_level").map(v -> {
            if (!v.matches("[0-9]{1,3}")) {
                throw new AdminHandler.BadRequest("max_level must be a whole number, got " + v);
            }
            return Integer.parseInt(v);
        }).orElse(1);
        ObjectNode body = run(ctx, maxLevel);
        Replies.json(ex, body.get("status").asInt(), body);
    }

    static ObjectNode run(AdminContext ctx, int maxLevel) {
        List<String> successes = new ArrayList<>();
        ObjectNode failures = Replies.object();
        if (maxLevel >= 1) {
            Runtime rt = ctx.runtime().get();
            if (rt == null) {
                fail(failures, "listeners", "no configuration in service yet");
            } else {
                List<String> unbound = new ArrayList<>();
                for (ListenerSpec l : rt.config().listeners()) {
                    if (ctx.boundAddress().apply(l.bind()) == null) {
                        unbound.add(l.bind().toString());
                    }
                }
                if (unbound.isEmpty()) {
                    successes.add("listeners");
                } else {
                    fail(failures, "listeners", "not bound: " + String.join(", ", unbound));
                }
            }
            for (ClusterView c : ctx.pool().snapshot().clusters()) {
                String name = "cluster:" + c.name();
                if (c.members().stream().anyMatch(HealthCheck::usable)) {
                    successes.add(name);
                } else {
                    fail(failures, name, "no usable member (" + c.members().size() + " listed: "
                            + String.join(", ", c.members().stream().map(m -> m.address() + " " + m.state().word()
                            + (m.why().isEmpty() ? "" : " (" + m.why() + ")")).toList()) + ")");
                }
            }
        }
        if (maxLevel >= 2) {
            Optional<io.gatehouse.runtime.ReloadOutcome> last = ctx.reload().status().lastReload();
            if (last.isPresent() && !last.get().applied()) {
                fail(failures, "config", "the last reload was refused: " + String.join("; ", last.get().errors()));
            } else {
                successes.add("config");
            }
        }
        ObjectNode o = Replies.object();
        o.put("status", failures.isEmpty() ? 200 : 500);
        ArrayNode ok = o.putArray("successes");
        successes.forEach(ok::add);
        o.set("failures", failures);
        return o;
    }

    private static boolean usable(MemberView m) {
        return m.state() == MemberStatus.UP || m.state() == MemberStatus.SLOW_START || m.state() == MemberStatus.BACKUP
                || m.state() == MemberStatus.CHECKING;
    }

    private static void fail(ObjectNode failures, String name, String message) {
        failures.putObject(name).put("message", message);
    }
}
