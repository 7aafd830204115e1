package io.gatehouse.config.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up and check errors say why in words: the shell's words, never a Java class name. */
class IoErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void namesTheCommonFileErrorsAsTheShellDoes() {
        assertEquals("permission denied", IoErrors.describe(new AccessDeniedException("/var/log/x")));
        assertEquals("no such file or directory", IoErrors.describe(new NoSuchFileException("/etc/x.conf")));
        assertEquals("read-only file system",
                IoErrors.describe(new FileSystemException("/x", null, "Read-only file system")));
        assertEquals("permission denied", IoErrors.describe(new FileNotFoundException("/x/error.log (Permission denied)")));
        assertEquals("input/output error", IoErrors.describe(new IOException()));
    }

    @Test
    void namesWhatRealFailuresAre() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "");
        try {
            Files.createDirectories(file.resolve("logs"));
            throw new AssertionError("a directory inside a file");
        } catch (IOException e) {
            assertEquals("not a directory", IoErrors.describe(e));
        }
        try {
            Files.createDirectories(file);
            throw new AssertionError("a directory where a file is");
        } catch (IOException e) {
            assertEquals("it exists and is not a directory", IoErrors.describe(e));
        }
        try {
            Files.createDirectory(tmp.resolve("no/such/parent"));
            throw new AssertionError("a directory without its parent");
        } catch (IOException e) {
            assertEquals("no such file or directory", IoErrors.describe(e));
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket again = new ServerSocket()) {
            again.bind(taken.getLocalSocketAddress());
            throw new AssertionError("bound twice");
        } catch (BindException e) {
            assertEquals("address already in use", IoErrors.describe(e));
        }
    }
}
