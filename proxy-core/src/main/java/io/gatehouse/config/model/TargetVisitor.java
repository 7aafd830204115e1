package io.gatehouse.config.model;

/** Exhaustive dispatch over {@link Target} (pattern switch is still a preview in Java 17). */
public interface TargetVisitor<R> {
    R visitStaticDir(StaticDirTarget target);

    R visitFixedResponse(FixedResponseTarget target);

    R visitRedirect(RedirectTarget target);

    R visitUpstreamUrl(UpstreamUrlTarget target);

    R visitCluster(ClusterTarget target);
}
