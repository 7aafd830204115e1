package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/**
 * {@code /old = redirect 301 https://new.example/}: a redirect (301, 302, 303, 307 or 308) to a
 * fixed location.
 */
public record RedirectTarget(SourcePos pos, int status, String location) implements Target {
    public RedirectTarget {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(location, "location");
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new IllegalArgumentException("status: " + status + " (expected: 301, 302, 303, 307 or 308)");
        }
    }

    @Override
    public <R> R accept(TargetVisitor<R> visitor) {
        return visitor.visitRedirect(this);
    }
}
