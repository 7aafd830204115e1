package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/** {@code /hc = return 200 OK}: a fixed status and plain-text body (nginx {@code return}). */
public record FixedResponseTarget(SourcePos pos, int status, String text) implements Target {
    public FixedResponseTarget {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(text, "text");
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200..599)");
        }
    }

    @Override
    public <R> R accept(TargetVisitor<R> visitor) {
        return visitor.visitFixedResponse(this);
    }
}
