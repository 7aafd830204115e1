package io.gatehouse.app;

import io.gatehouse.admin.security.PasswordHashes;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * {@code gatehouse passwd [USER]}: asks for a password (twice, without echo, on a terminal; one line from
 * standard input otherwise, for scripts) and prints the {@code [admin]} lines {@code user = USER} and
 * {@code password_hash = $2b$12$...} (bcrypt, cost 12) to paste into {@code conf.d}. The password itself is
 * never printed nor kept.
 */
final class PasswdCommand {
    static final String DEFAULT_USER = "admin";
    /** Shorter passwords are hashed, with a warning. */
    static final int ADVISED_LENGTH = 12;

    private PasswdCommand() {
    }

    /**
     * @param args    the arguments after {@code passwd}: at most a user name
     * @param console the terminal, or null when standard input is not one
     * @param stdin   read (one line) when there is no terminal
     * @return 0 when the lines were printed, 1 when no password was given or the two differ, 2 for bad arguments
     */
    static int run(List<String> args, Console console, InputStream stdin, PrintStream out, PrintStream err,
                   SecureRandom random) {
        if (args.size() > 1) {
            err.println("gatehouse: passwd takes one user name at most (gatehouse passwd --help)");
            return 2;
        }
        String user = args.isEmpty() ? DEFAULT_USER : args.get(0);
        if (user.isEmpty() || user.startsWith("-") || !user.chars().allMatch(c -> c > 0x20 && c != 0x7F && c != ';'
                && c != '#' && c != '$' && c != '%')) {
            err.println("gatehouse: the user name must be a word without spaces, ';', '#', '$' or '%', got \""
                    + user.replaceAll("\\p{Cntrl}", "?") + "\"");
            return 2;
        }
        char[] password = null;
        char[] again = null;
        try {
            if (console != null) {
                password = console.readPassword("password for %s: ", user);
                again = console.readPassword("again: ");
                if (password == null || again == null || !Arrays.equals(password, again)) {
                    err.println("gatehouse: the two passwords differ; nothing printed");
                    return 1;
                }
            } else {
                String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                password = line == null ? null : line.toCharArray();
            }
            if (password == null || password.length == 0) {
                err.println("gatehouse: no password given; nothing printed");
                return 1;
            }
            if (password.length < ADVISED_LENGTH) {
                err.println("gatehouse: warning: a password of " + password.length + " characters is easy to guess;"
                        + " " + ADVISED_LENGTH + " or more are advised");
            }
            String hash = PasswordHashes.bcrypt(password, random);
            out.println("[admin]");
            out.println("user = " + user);
            out.println("password_hash = " + hash);
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("gatehouse: cannot read the password: " + e.getMessage());
            return 1;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
            if (again != null) {
                Arrays.fill(again, '\0');
            }
        }
    }
}
