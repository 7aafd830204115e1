package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;

/**
 * What a route line sends a request to. A closed set: add a permitted subtype and a method on
 * {@link TargetVisitor}, and the compiler lists every place that must handle it.
 */
public sealed interface Target
        permits StaticDirTarget, FixedResponseTarget, RedirectTarget, UpstreamUrlTarget, ClusterTarget {

    /** The route line this target was written on. */
    SourcePos pos();

    <R> R accept(TargetVisitor<R> visitor);

    /** True for targets that only answer when they find something (static directories). */
    default boolean isFallThrough() {
        return false;
    }
}
