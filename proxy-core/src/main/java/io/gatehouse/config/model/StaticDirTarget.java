package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.util.Objects;

/** {@code /path = /var/www/static}: files under an absolute directory (relative ones resolve against conf.d's parent). */
public record StaticDirTarget(SourcePos pos, Path root) implements Target {
    public StaticDirTarget {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(root, "root");
    }

    @Override
    public <R> R accept(TargetVisitor<R> visitor) {
        return visitor.visitStaticDir(this);
    }

    @Override
    public boolean isFallThrough() {
        return true;
    }
}
