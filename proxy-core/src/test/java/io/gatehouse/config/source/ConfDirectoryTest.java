package io.gatehouse.config.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.source.ConfDirectory.ConfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfDirectoryTest {
    @TempDir
    Path tmp;

    private final List<String> errors = new ArrayList<>();

    @Test
    void listsOnlyConfFilesInLexicalOrder() throws IOException {
        for (String name : List.of("b.conf", "a.conf", "10-x.conf", "2-y.conf", "c.conf.disabled", ".c.conf.swp",
                ".hidden.conf", "README", ".conf", "x.CONF")) {
            Files.writeString(tmp.resolve(name), "");
        }
        Files.createDirectory(tmp.resolve("dir.conf"));

        List<ConfFile> files = ConfDirectory.list(tmp, (p, m) -> errors.add(m));

        assertEquals(List.of("10-x.conf", "2-y.conf", "a.conf", "b.conf"),
                files.stream().map(f -> f.path().getFileName().toString()).toList());
        assertEquals(tmp.resolve("a.conf").toString(), files.get(2).displayName());
        assertEquals(List.of(), errors);
    }

    @Test
    void namesFilesRelativeToTheDirectoryAsGiven() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        Path relative = cwd.relativize(tmp);
        Files.writeString(tmp.resolve("site.conf"), "");

        List<ConfFile> files = ConfDirectory.list(relative, (p, m) -> errors.add(m));

        assertEquals(relative.resolve("site.conf").toString(), files.get(0).displayName());
    }

    @Test
    void reportsAMissingOrEmptyDirectoryAtTheDirectory() throws IOException {
        ConfDirectory.list(tmp.resolve("missing"), (p, m) -> errors.add(p + ": " + m));
        ConfDirectory.list(tmp, (p, m) -> errors.add(p + ": " + m));
        Files.writeString(tmp.resolve("file"), "");
        ConfDirectory.list(tmp.resolve("file"), (p, m) -> errors.add(p + ": " + m));

        assertEquals(List.of(
                tmp.resolve("missing") + ": configuration directory does not exist",
                tmp + ": no *.conf file in the configuration directory",
                tmp.resolve("file") + ": not a directory; expected a directory of *.conf files"), errors);
    }

    /** Why a file cannot be read is said in words, never as a Java exception's name (issue 8). */
    @Test
    void saysInWordsWhyAFileCannotBeRead() throws IOException {
        Path dangling = Files.createSymbolicLink(tmp.resolve("gone.conf"), tmp.resolve("nowhere.conf"));

        List<ConfFile> files = ConfDirectory.list(tmp, (p, m) -> errors.add(p + ": " + m));
        assertEquals(1, files.size());
        assertTrue(ConfDirectory.read(files.get(0), 1024, (p, m) -> errors.add(p + ": " + m)).isEmpty());

        assertEquals(List.of(dangling + ": cannot read the file: no such file or directory"), errors);
    }
}
