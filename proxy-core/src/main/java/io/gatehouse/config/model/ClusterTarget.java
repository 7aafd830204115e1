package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/** {@code /api = @backend}: a named cluster; {@code cluster} is the name without the {@code @}. */
public record ClusterTarget(SourcePos pos, String cluster) implements Target {
    public ClusterTarget {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public <R> R accept(TargetVisitor<R> visitor) {
        return visitor.visitCluster(this);
    }
}
