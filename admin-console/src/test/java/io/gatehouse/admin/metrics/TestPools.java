package io.gatehouse.admin.metrics;

import java.time.Instant;
import java.util.List;

/** Pools for the metrics' tests. */
public final class TestPools {
    private TestPools() {
    }

    /** A pool of clusters written {@code name=host:port,host:port}. */
    public static io.gatehouse.view.PoolSnapshot pool(String... clusters) {
        List<io.gatehouse.view.ClusterView> views = new java.util.ArrayList<>();
        for (String c : clusters) {
            String[] nameMembers = c.split("=");
            List<io.gatehouse.view.MemberView> members = new java.util.ArrayList<>();
            for (String m : nameMembers[1].split(",")) {
                members.add(new io.gatehouse.view.MemberView(m, io.gatehouse.upstream.health.MemberStatus.UP, "",
                        Instant.EPOCH, java.util.Optional.empty(), 1, 1.0, 0, 0, 0, java.util.Optional.empty(),
                        java.util.Optional.empty()));
            }
            views.add(new io.gatehouse.view.ClusterView(nameMembers[0], "round_robin", members));
        }
        return new io.gatehouse.view.PoolSnapshot(Instant.EPOCH, 1, views);
    }
}
