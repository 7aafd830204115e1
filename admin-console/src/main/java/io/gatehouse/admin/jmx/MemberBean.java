package io.gatehouse.admin.jmx;

import io.gatehouse.upstream.health.MemberStatus;
import io.gatehouse.view.MemberView;
import io.gatehouse.view.PoolSnapshot;
import java.util.Optional;
import java.util.function.Supplier;

/** A member's MBean: each attribute is read from a recent pool view snapshot (at most half a second old). */
final class MemberBean implements MemberMBean {
    private final Supplier<PoolSnapshot> pool;
    private final String cluster;
    private final String member;

    MemberBean(Supplier<PoolSnapshot> pool, String cluster, String member) {
        this.pool = pool;
        this.cluster = cluster;
        this.member = member;
    }

    private Optional<MemberView> view() {
        PoolSnapshot snapshot = pool.get();
        return snapshot.cluster(cluster).flatMap(c -> c.member(member));
    }

    @Override
    public String getCluster() {
        return cluster;
    }

    @Override
    public String getMember() {
        return member;
    }

    @Override
    public String getState() {
        return view().map(v -> v.state().word()).orElse("gone");
    }

    @Override
    public String getWhy() {
        return view().map(MemberView::why).orElse("no longer listed");
    }

    @Override
    public int getInFlight() {
        return view().map(MemberView::inFlight).orElse(0);
    }

    @Override
    public long getRequests() {
        return view().map(MemberView::requests).orElse(0L);
    }

    @Override
    public long getFailures() {
        return view().map(MemberView::failures).orElse(0L);
    }

    @Override
    public double getLatencyP99Millis() {
        return view().flatMap(MemberView::latencyP99).map(d -> d.toNanos() / 1e6).orElse(-1.0);
    }

    @Override
    public int getWeight() {
        return view().map(MemberView::weight).orElse(0);
    }

    @Override
    public boolean isDraining() {
        return view().map(v -> v.state() == MemberStatus.DRAINING).orElse(false);
    }
}
