package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/**
 * {@code /about = https://www.python.org:443}: one upstream without a cluster section.
 *
 * @param tls      {@code https}
 * @param address  host and port (default port 80 / 443)
 * @param basePath "" to pass the path unchanged; otherwise it replaces the matched route prefix,
 *                 as nginx's {@code proxy_pass} with a URI does
 */
public record UpstreamUrlTarget(SourcePos pos, boolean tls, HostPort address, String basePath) implements Target {
    public UpstreamUrlTarget {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(basePath, "basePath");
    }

    @Override
    public <R> R accept(TargetVisitor<R> visitor) {
        return visitor.visitUpstreamUrl(this);
    }
}
