package io.gatehouse.app;

import io.gatehouse.json.Json;
import io.gatehouse.runtime.ReloadOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gatehouse.reload}, next to the pid file: the last reload attempt of the running Gatehouse as
 * one JSON object, replaced atomically after each attempt, so that {@code gatehouse reload} can tell
 * when the reload it asked for is done and what came of it. Attempt 0 is the start.
 *
 * <pre>{"pid":4242,"attempt":3,"at":"2026-12-03T13:00:00Z","trigger":"SIGHUP","applied":false,
 * "generation":2,"errors":["conf.d/site.conf:4: ..."],"warnings":[],"restart_needed":[]}</pre>
 */
final class ReloadStatusFile implements Consumer<ReloadOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadStatusFile.class);
    static final String FILE_NAME = "gatehouse.reload";

    private final Path path;

    ReloadStatusFile(Path path) {
        this.path = path;
    }

    /** What the file says: the attempt, and its outcome. */
    record Status(long pid, long attempt, String trigger, boolean applied, long generation, List<String> errors,
                  List<String> warnings, List<String> restartNeeded) {
    }

    /** Writes the start (attempt 0, generation {@code generation}). */
    void started(long generation) {
        accept(new ReloadOutcome(0, Instant.now(), "start", true, generation, List.of(), List.of(), List.of()));
    }

    @Override
    public void accept(ReloadOutcome o) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"pid\":").append(ProcessHandle.current().pid());
        out.append(",\"attempt\":").append(o.attempt());
        out.append(",\"at\":");
        Json.string(out, o.at().toString());
        out.append(",\"trigger\":");
        Json.string(out, o.trigger());
        out.append(",\"applied\":").append(o.applied());
        out.append(",\"generation\":").append(o.generation());
        array(out, "errors", o.errors());
        array(out, "warnings", o.warnings());
        array(out, "restart_needed", o.restartNeeded());
        out.append("}\n");
        try {
            PidFile.writeAtomically(path, out.toString());
        } catch (IOException e) {
            LOG.warn("{}: cannot write the reload status: {}", path, PidFile.describe(e));
        }
    }

    private static void array(StringBuilder out, String name, List<String> values) {
        out.append(",\"").append(name).append("\":[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Json.string(out, values.get(i));
        }
        out.append(']');
    }

    /** Reads the file; empty when it is missing or not in the form {@link #accept} writes. */
    static Optional<Status> read(Path path) {
        try {
            return Optional.of(new Reader(Files.readString(path, StandardCharsets.UTF_8)).status());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Reads back the flat object {@link #accept} writes: numbers, booleans, strings and arrays of strings. */
    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        Status status() {
            long pid = -1;
            long attempt = -1;
            long generation = -1;
            String trigger = "";
            boolean applied = false;
            List<String> errors = List.of();
            List<String> warnings = List.of();
            List<String> restart = List.of();
            expect('{');
            do {
                String name = string();
                expect(':');
                switch (name) {
                    case "pid" -> pid = number();
                    case "attempt" -> attempt = number();
                    case "generation" -> generation = number();
                    case "trigger" -> trigger = string();
                    case "applied" -> applied = bool();
                    case "errors" -> errors = strings();
                    case "warnings" -> warnings = strings();
                    case "restart_needed" -> restart = strings();
                    default -> string();
                }
            } while (next(','));
            expect('}');
            if (attempt < 0) {
                throw new IllegalArgumentException("no attempt");
            }
            return new Status(pid, attempt, trigger, applied, generation, errors, warnings, restart);
        }

        private List<String> strings() {
            List<String> out = new ArrayList<>();
            expect('[');
            if (next(']')) {
                return out;
            }
            do {
                out.add(string());
            } while (next(','));
            expect(']');
            return out;
        }

        private long number() {
            skipSpace();
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            return Long.parseLong(s.substring(start, i));
        }

        private boolean bool() {
            skipSpace();
            if (s.startsWith("true", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return false;
            }
            throw new IllegalArgumentException("boolean expected at " + i);
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private boolean next(char c) {
            skipSpace();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!next(c)) {
                throw new IllegalArgumentException("'" + c + "' expected at " + i);
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
