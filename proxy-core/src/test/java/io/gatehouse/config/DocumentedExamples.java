package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code ```ini} examples of docs/configuration.md, as tests load them to prove they work as written. */
public final class DocumentedExamples {
    private DocumentedExamples() {
    }

    /** The text of the {@code ```ini} block whose first line is {@code firstLine}, without the fences. */
    public static String ini(String firstLine) {
        String docs;
        try {
            docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String fence = "```ini\n" + firstLine + "\n";
        int start = docs.indexOf(fence);
        assertTrue(start >= 0, "docs/configuration.md has an ini block starting with " + firstLine);
        int body = start + "```ini\n".length();
        return docs.substring(body, docs.indexOf("```", body));
    }
}
