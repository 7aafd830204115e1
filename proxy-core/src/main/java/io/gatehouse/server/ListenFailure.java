package io.gatehouse.server;

import io.gatehouse.config.source.SourcePos;
import java.io.IOException;

/**
 * A listener that could not be bound; its position is the line that asked for the address (the
 * {@code port} line of the first site on it), its message says why in words.
 */
public final class ListenFailure extends IOException {
    private final SourcePos pos;

    public ListenFailure(SourcePos pos, String message, IOException cause) {
        super(message, cause);
        this.pos = pos;
    }

    public SourcePos pos() {
        return pos;
    }

    @Override
    public String toString() {
        return pos + ": " + getMessage();
    }
}
