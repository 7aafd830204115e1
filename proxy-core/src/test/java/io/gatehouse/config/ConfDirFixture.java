package io.gatehouse.config;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.bind.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@code conf.d} directory inside a test's temporary directory. Problems are compared with the
 * directory written as {@code @D} and the temporary directory as {@code @T}, so that expectations read
 * like the operator's output ({@code @D/a.conf:3: [server] ...}).
 */
public final class ConfDirFixture {
    private final Path tmp;
    private final Path confDir;

    public ConfDirFixture(Path tmp) {
        this.tmp = tmp;
        this.confDir = tmp.resolve("conf.d");
        try {
            Files.createDirectories(confDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return confDir;
    }

    public Path tmp() {
        return tmp;
    }

    /** Writes {@code conf.d/name} with {@code text}. */
    public ConfDirFixture file(String name, String text) {
        return bytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    public ConfDirFixture bytes(String name, byte[] content) {
        try {
            Files.write(confDir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Creates a directory under the temporary directory (conf.d's parent) and returns it. */
    public Path mkdir(String relative) {
        try {
            return Files.createDirectories(tmp.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LoadOutcome load() {
        return load(Map.of());
    }

    public LoadOutcome load(Map<String, String> env) {
        return ConfLoader.load(confDir, env);
    }

    /** The problems of loading this directory, as printed, with @D and @T for the directories. */
    public List<String> problems() {
        return problems(Map.of());
    }

    public List<String> problems(Map<String, String> env) {
        return shown(load(env).problems());
    }

    public List<String> shown(List<Problem> problems) {
        return problems.stream().map(p -> shown(p.toString())).collect(Collectors.toList());
    }

    public String shown(String text) {
        return text.replace(confDir.toString(), "@D").replace(tmp.toString(), "@T");
    }
}
