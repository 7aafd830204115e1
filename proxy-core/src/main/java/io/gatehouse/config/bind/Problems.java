package io.gatehouse.config.bind;

import io.gatehouse.config.source.SourcePos;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every configuration problem instead of stopping at the first one. Binders add to it and
 * carry on; the loader reports the whole list at once, ordered by file and line.
 */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();

    public void error(SourcePos pos, String message) {
        list.add(new Problem(pos, Problem.Severity.ERROR, message));
    }

    public void warning(SourcePos pos, String message) {
        list.add(new Problem(pos, Problem.Severity.WARNING, message));
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(Problem::isError);
    }

    /** All problems, sorted by file then line, errors before warnings on the same line. */
    public List<Problem> sorted() {
        List<Problem> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparing((Problem p) -> p.pos().file())
                .thenComparingInt(p -> p.pos().line())
                .thenComparing(Problem::severity));
        return List.copyOf(copy);
    }
}
