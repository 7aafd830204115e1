package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.List;
import java.util.Objects;

/**
 * All route lines of one virtual host that name the same path, in file order. Zero or more static
 * directories come first (a file found in one is served); at most one other target follows and
 * answers everything they do not have (the seed mounts static files and the app both at {@code /}).
 *
 * @param pos     the first line naming this path
 * @param path    the prefix, starting with {@code /}, without a trailing slash except for {@code /} itself
 */
public record RouteSpec(SourcePos pos, String path, List<Target> targets) {
    public RouteSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(path, "path");
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("route " + path + " has no target");
        }
        for (int i = 0; i < targets.size() - 1; i++) {
            if (!targets.get(i).isFallThrough()) {
                throw new IllegalArgumentException("route " + path + ": only the last target may be a non-static target");
            }
        }
    }
}
