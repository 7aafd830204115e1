package io.gatehouse.config.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The {@code conf.d} directory: every {@code *.conf} file in it, in lexical order. Other names
 * ({@code site.conf.disabled}, {@code .site.conf.swp}, {@code README}) are ignored, as are hidden files
 * and sub-directories.
 */
public final class ConfDirectory {
    /** One {@code *.conf} file: where it is, and the name every message about it starts with. */
    public record ConfFile(Path path, String displayName) {
        public ConfFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(displayName, "displayName");
        }
    }

    private ConfDirectory() {
    }

    /**
     * Lists the {@code *.conf} files of {@code dir}. A missing or unreadable directory, or one without
     * any {@code *.conf} file, is reported to {@code errors} at the directory and gives an empty list.
     */
    public static List<ConfFile> list(Path dir, BiConsumer<SourcePos, String> errors) {
        SourcePos at = SourcePos.ofFile(dir.toString());
        if (!Files.exists(dir)) {
            errors.accept(at, "configuration directory does not exist");
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            errors.accept(at, "not a directory; expected a directory of *.conf files");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                String name = entry.getFileName().toString();
                if (isConfName(name) && !Files.isDirectory(entry)) {
                    names.add(name);
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.accept(at, "cannot list the configuration directory: " + IoErrors.describe(e));
            return List.of();
        }
        if (names.isEmpty()) {
            errors.accept(at, "no *.conf file in the configuration directory");
            return List.of();
        }
        names.sort(String::compareTo);
        List<ConfFile> files = new ArrayList<>(names.size());
        for (String name : names) {
            files.add(new ConfFile(dir.resolve(name), dir.resolve(name).toString()));
        }
        return List.copyOf(files);
    }

    /** {@code site.conf} is read; {@code .site.conf} (hidden), {@code site.conf.disabled} and {@code .conf} are not. */
    static boolean isConfName(String name) {
        return name.endsWith(".conf") && name.length() > ".conf".length() && !name.startsWith(".");
    }

    /** Reads a file's bytes, or reports why it cannot and gives nothing. Files over {@code maxBytes} are refused. */
    public static Optional<byte[]> read(ConfFile file, long maxBytes, BiConsumer<SourcePos, String> errors) {
        SourcePos at = SourcePos.ofFile(file.displayName());
        try {
            long size = Files.size(file.path());
            if (size > maxBytes) {
                errors.accept(at, "file is too large (" + size + " bytes; at most " + maxBytes + ")");
                return Optional.empty();
            }
            return Optional.of(Files.readAllBytes(file.path()));
        } catch (IOException | RuntimeException e) {
            errors.accept(at, "cannot read the file: " + IoErrors.describe(e));
            return Optional.empty();
        }
    }
}
