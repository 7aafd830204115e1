package io.gatehouse.config.bind;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.source.SourcePos;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code [@name]} section after binding: declared at {@code pos} even when its values had errors
 * ({@code spec} is then empty), so that routes naming it are not also reported as unknown.
 *
 * @param proxied   false for sections that are not a proxy cluster at all (Skitai's {@code type = sqlite3}),
 *                  which are reported once and never warned about as unused
 * @param cacheKeys the cache keys written in the section ({@code cache}, {@code cache_key}...) with their
 *                  lines, for the checks that need {@code [proxypass]} to say whether they have an effect
 */
public record BoundCluster(String name, SourcePos pos, Optional<ClusterSpec> spec, boolean proxied,
                           Map<String, SourcePos> cacheKeys) {
    public BoundCluster {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(spec, "spec");
        cacheKeys = Collections.unmodifiableMap(new LinkedHashMap<>(cacheKeys));
    }

    /** A section without cache keys. */
    public BoundCluster(String name, SourcePos pos, Optional<ClusterSpec> spec, boolean proxied) {
        this(name, pos, spec, proxied, Map.of());
    }
}
