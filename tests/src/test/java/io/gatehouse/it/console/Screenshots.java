package io.gatehouse.it.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the console's screenshots for {@code docs/console.md} go: the directory named by the system
 * property {@value #PROPERTY} ({@code -Dgatehouse.screenshots=docs/img}, relative to the project's root
 * directory), or nowhere, so that an ordinary build never rewrites {@code docs/img}.
 */
final class Screenshots {
    static final String PROPERTY = "gatehouse.screenshots";

    private Screenshots() {
    }

    /** The directory to write to, when screenshots were asked for. */
    static Optional<Path> directory() {
        String dir = System.getProperty(PROPERTY, "").trim();
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(dir);
        if (!p.isAbsolute()) {
            // Maven runs the tests in the tests module: a relative path means the project's root
            Path cwd = Path.of("").toAbsolutePath();
            Path root = cwd.getFileName() != null && cwd.getFileName().toString().equals("tests")
                    && Files.exists(cwd.resolveSibling("pom.xml")) ? cwd.getParent() : cwd;
            p = root.resolve(p);
        }
        return Optional.of(p);
    }

    /** Writes {@code console-NAME.png} when screenshots were asked for. */
    static void save(String name, byte[] png) {
        directory().ifPresent(d -> Browser.write(d.resolve("console-" + name + ".png"), png));
    }
}
