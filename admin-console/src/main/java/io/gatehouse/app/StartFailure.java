package io.gatehouse.app;

import java.util.List;

/** Gatehouse could not start; each line is already in the operator's form ({@code file:line: message}). */
public final class StartFailure extends Exception {
    private final List<String> lines;

    public StartFailure(List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    public List<String> lines() {
        return lines;
    }
}
