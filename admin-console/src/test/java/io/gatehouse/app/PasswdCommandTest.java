package io.gatehouse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.admin.security.PasswordHashes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code gatehouse passwd} without a terminal (a script piping the password in): it prints the
 * {@code [admin]} lines whose hash verifies the password, never the password itself, and refuses what
 * would make a broken section.
 */
class PasswdCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(List<String> args, String stdin) {
        return PasswdCommand.run(args, null, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new SecureRandom());
    }

    @Test
    void printsTheAdminLinesWithABcryptHashOfTheLineRead() {
        assertEquals(0, run(List.of("alice"), "a long enough passphrase\n"), err.toString());
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals("[admin]", lines[0]);
        assertEquals("user = alice", lines[1]);
        assertTrue(lines[2].startsWith("password_hash = $2b$12$"), lines[2]);
        String hash = lines[2].substring("password_hash = ".length());
        assertTrue(PasswordHashes.verify(hash, "a long enough passphrase".toCharArray()));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("passphrase"), "the password is not printed");
        assertEquals("", err.toString());
    }

    @Test
    void theUserIsAdminUnlessNamedAndAShortPasswordIsWarnedAbout() {
        assertEquals(0, run(List.of(), "short\n"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("user = admin\n"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("easy to guess"));
    }

    @Test
    void anEmptyPasswordOrABadUserNamePrintsNothing() {
        assertEquals(1, run(List.of("alice"), "\n"));
        assertEquals(1, run(List.of("alice"), ""));
        assertEquals(2, run(List.of("al ice"), "a long enough passphrase\n"));
        assertEquals(2, run(List.of("a", "b"), "a long enough passphrase\n"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
