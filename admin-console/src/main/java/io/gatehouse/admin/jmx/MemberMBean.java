package io.gatehouse.admin.jmx;

/**
 * One member of one cluster as JMX shows it, {@code io.gatehouse:type=Member,cluster=C,member=M}: its
 * health, load and latency in the generation in service (the pool view's figures, read when asked).
 */
public interface MemberMBean {
    /** The cluster's name, without {@code @}. */
    String getCluster();

    /** The member's {@code host:port} as written. */
    String getMember();

    /** {@code up}, {@code down}, {@code checking}, {@code slow_start}, {@code backup}, {@code draining}; {@code gone} once no longer listed. */
    String getState();

    /** Why it is in that state; empty for a member up all along. */
    String getWhy();

    /** Requests to it in flight for this cluster. */
    int getInFlight();

    /** Attempts made with it for this cluster since it was added. */
    long getRequests();

    /** Of those, the ones that failed by its fault. */
    long getFailures();

    /** The 99th percentile of its answers' times over the last minutes, in milliseconds; -1 when none came. */
    double getLatencyP99Millis();

    /** Its {@code weight}. */
    int getWeight();

    /** True while it is drained (takes no new request). */
    boolean isDraining();
}
