package io.gatehouse.runtime;

import io.gatehouse.config.source.ConfDirectory;
import io.gatehouse.config.source.ConfDirectory.ConfFile;
import io.gatehouse.view.ConfigStatus.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Which {@code *.conf} files a configuration directory holds and the SHA-256 of each: what the
 * configuration status shows, and how a change noticed in the directory is told from a save that
 * changed nothing.
 */
public final class ConfHashes {
    private ConfHashes() {
    }

    /**
     * The {@code *.conf} files of {@code dir} in load order, each with the SHA-256 of its bytes. A
     * directory that is missing or cannot be listed gives an empty list; a file that vanishes or cannot
     * be read while this runs is left out (the load that follows reports it).
     */
    public static List<ConfigFile> of(Path dir) {
        List<ConfigFile> out = new ArrayList<>();
        for (ConfFile file : ConfDirectory.list(dir, (pos, message) -> { })) {
            try {
                byte[] bytes = Files.readAllBytes(file.path());
                out.add(new ConfigFile(file.path().getFileName().toString(), sha256(bytes), bytes.length));
            } catch (IOException | RuntimeException e) {
                // gone or unreadable meanwhile: the loader says so
            }
        }
        return List.copyOf(out);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
