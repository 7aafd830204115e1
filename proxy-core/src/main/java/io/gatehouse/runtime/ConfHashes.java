package io.gatehouse.runtime;

import io.gatehouse.config.source.ConfDirectory;
import io.gatehouse.config.source.ConfDirectory.ConfFile;
import io.gatehouse.view.ConfigStatus.ConfigFile;
import java.io.IOException;
import java.io.InputStream;
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
            try (InputStream in = Files.newInputStream(file.path())) {
                MessageDigest digest = sha256();
                byte[] buffer = new byte[8192];
                long size = 0;
                for (int n; (n = in.read(buffer)) > 0; size += n) {
                    digest.update(buffer, 0, n);
                }
                out.add(new ConfigFile(file.path().getFileName().toString(), HexFormat.of().formatHex(digest.digest()),
                        size));
            } catch (IOException | RuntimeException e) {
                // gone or unreadable meanwhile: the loader says so
            }
        }
        return List.copyOf(out);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
