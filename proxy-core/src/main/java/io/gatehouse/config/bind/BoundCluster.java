package io.gatehouse.config.bind;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.source.SourcePos;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code [@name]} section after binding: declared at {@code pos} even when its values had errors
 * ({@code spec} is then empty), so that routes naming it are not also reported as unknown.
 *
 * @param proxied false for sections that are not a proxy cluster at all (Skitai's {@code type = sqlite3}),
 *                which are reported once and never warned about as unused
 */
public record BoundCluster(String name, SourcePos pos, Optional<ClusterSpec> spec, boolean proxied) {
    public BoundCluster {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(spec, "spec");
    }
}
