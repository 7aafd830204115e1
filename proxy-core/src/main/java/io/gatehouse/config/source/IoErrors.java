package io.gatehouse.config.source;

import java.io.FileNotFoundException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file or socket operation failed, in the words an operator knows from the shell ({@code permission
 * denied}, {@code no such file or directory}, {@code address already in use}), never a Java exception's
 * class name. Start-up and {@code gatehouse check} messages put these after what was being done.
 */
public final class IoErrors {
    private IoErrors() {
    }

    public static String describe(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it exists and is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "too many levels of symbolic links";
        }
        if (e instanceof FileSystemException fs) {
            return fs.getReason() != null ? words(fs.getReason()) : "input/output error";
        }
        if (e instanceof FileNotFoundException) {
            // FileInputStream and FileOutputStream say "path (reason)"
            String m = e.getMessage();
            int open = m == null ? -1 : m.lastIndexOf(" (");
            return open >= 0 && m.endsWith(")") ? words(m.substring(open + 2, m.length() - 1)) : "no such file or directory";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        String m = e.getMessage();
        if (e instanceof BindException || m != null && !m.isBlank()) {
            return m == null || m.isBlank() ? "cannot bind the address" : words(m);
        }
        return "input/output error";
    }

    /** The system's message with its first letter lower-cased, as it reads after a colon. */
    private static String words(String message) {
        String m = message.strip();
        if (m.length() > 1 && Character.isUpperCase(m.charAt(0)) && !Character.isUpperCase(m.charAt(1))) {
            return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
        }
        return m;
    }
}
