package io.gatehouse.config.bind;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/** One configuration diagnostic, printed as {@code file:line: message}. */
public record Problem(SourcePos pos, Severity severity, String message) {
    public enum Severity { ERROR, WARNING }

    public Problem {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return pos + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
