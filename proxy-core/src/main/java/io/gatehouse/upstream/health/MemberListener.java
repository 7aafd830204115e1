package io.gatehouse.upstream.health;

/**
 * Hears every change of a member's state ({@code UpstreamRegistry.addListener}). Called on the thread
 * where the change happened, often an IO thread, after the change's log line: it must return quickly
 * and never block (hand anything slow to a thread of its own). Changes are rare: a member going down or
 * up, a drain, a ramp ending.
 */
@FunctionalInterface
public interface MemberListener {
    void memberChanged(MemberEvent event);
}
