package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.upstream.health.CheckResult;
import io.gatehouse.view.ClusterView;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;

/** {@code GET /api/pools}: a pool snapshot as JSON, every cluster with its members' state and traffic. */
final class PoolsJson {
    private PoolsJson() {
    }

    static ObjectNode of(PoolSnapshot snapshot) {
        ObjectNode root = Replies.object();
        root.put("at", Replies.iso(snapshot.at()));
        root.put("generation", snapshot.generation());
        ArrayNode clusters = root.putArray("clusters");
        for (ClusterView c : snapshot.clusters()) {
            ObjectNode cluster = clusters.addObject();
            cluster.put("name", c.name());
            cluster.put("strategy", c.strategy());
            ArrayNode members = cluster.putArray("members");
            for (MemberView m : c.members()) {
                members.add(member(m));
            }
        }
        return root;
    }

    private static ObjectNode member(MemberView m) {
        ObjectNode o = Replies.object();
        o.put("address", m.address());
        o.put("state", m.state().word());
        o.put("why", m.why());
        o.put("since", Replies.iso(m.since()));
        if (m.lastCheck().isPresent()) {
            CheckResult r = m.lastCheck().get();
            ObjectNode check = o.putObject("last_check");
            check.put("at", Replies.iso(r.at()));
            check.put("latency_ms", Replies.millis(r.latency()));
            check.put("ok", r.ok());
            check.put("reason", r.reason());
        } else {
            o.putNull("last_check");
        }
        o.put("weight", m.weight());
        o.put("effective_weight", m.effectiveWeight());
        o.put("in_flight", m.inFlight());
        o.put("requests", m.requests());
        o.put("failures", m.failures());
        if (m.latencyAverage().isPresent()) {
            o.put("latency_avg_ms", Replies.millis(m.latencyAverage().get()));
        } else {
            o.putNull("latency_avg_ms");
        }
        if (m.latencyP99().isPresent()) {
            o.put("latency_p99_ms", Replies.millis(m.latencyP99().get()));
        } else {
            o.putNull("latency_p99_ms");
        }
        return o;
    }
}
