package io.gatehouse.config.bind;

import io.gatehouse.config.source.SourcePos;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects every configuration problem instead of stopping at the first one. Binders add to it and
 * carry on; the loader reports the whole list at once, ordered by file and line.
 *
 * <p>A line whose variables could not be substituted ({@link #substitutionError}) is reported for that
 * alone: what its value became without them is not checked, so an unset variable is one error, not
 * one more for the empty value it left.
 */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();
    /** Lines whose {@code ${NAME}} could not be replaced: nothing more is reported there. */
    private final Set<SourcePos> unsubstituted = new HashSet<>();

    public void error(SourcePos pos, String message) {
        if (unsubstituted.contains(pos)) {
            return;
        }
        list.add(new Problem(pos, Problem.Severity.ERROR, message));
    }

    public void warning(SourcePos pos, String message) {
        if (unsubstituted.contains(pos)) {
            return;
        }
        list.add(new Problem(pos, Problem.Severity.WARNING, message));
    }

    /**
     * A variable at {@code pos} could not be replaced (not set, or written wrongly): reported, and any
     * later problem at that line is dropped, since it would only be about the value left without it.
     */
    public void substitutionError(SourcePos pos, String message) {
        list.add(new Problem(pos, Problem.Severity.ERROR, message));
        unsubstituted.add(pos);
    }

    /** A problem found by another module's check ({@code spi.ConfigCheck}). */
    public void add(Problem problem) {
        if (problem.isError()) {
            error(problem.pos(), problem.message());
        } else {
            warning(problem.pos(), problem.message());
        }
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
