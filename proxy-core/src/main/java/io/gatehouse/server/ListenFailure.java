package io.gatehouse.server;

import io.gatehouse.config.source.SourcePos;
import java.io.IOException;

/** A listener that could not be bound; the message names the {@code [server]} section that asked for it. */
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
