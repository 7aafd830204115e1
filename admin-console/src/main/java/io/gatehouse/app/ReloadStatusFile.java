package io.gatehouse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.config.source.IoErrors;
import io.gatehouse.json.Json;
import io.gatehouse.runtime.ReloadOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * <pre>{"attempt":3,"at":"2026-12-03T13:00:00Z","trigger":"SIGHUP","applied":false,"generation":2,
 * "errors":["conf.d/site.conf:4: ..."],"warnings":[],"restart_needed":[],"pid":4242}</pre>
 * (the reload outcome as {@code /api/config} shows it, and the pid)
 */
final class ReloadStatusFile implements Consumer<ReloadOutcome> {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadStatusFile.class);
    static final String FILE_NAME = "gatehouse.reload";

    /** Only to read the file ({@code gatehouse reload}): the start writes it without Jackson, see {@link #text}. */
    private static final class Reader {
        static final ObjectMapper JSON = new ObjectMapper();
    }

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
        try {
            PidFile.writeAtomically(path, text(o, ProcessHandle.current().pid()));
        } catch (IOException e) {
            LOG.warn("{}: cannot write the reload status: {}", path, IoErrors.describe(e));
        }
    }

    /**
     * The file's line: {@link io.gatehouse.admin.api.ConfigJson#outcome}'s object and the pid, written with
     * {@link Json} (the start writes it once the listeners are bound, while the first requests come: making
     * Jackson's object mapper there cost ~30 ms of CPU on two cores).
     */
    static String text(ReloadOutcome o, long pid) {
        StringBuilder out = new StringBuilder(160).append("{\"attempt\":").append(o.attempt()).append(",\"at\":");
        Json.string(out, o.at().truncatedTo(ChronoUnit.SECONDS).toString()).append(",\"trigger\":");
        Json.string(out, o.trigger()).append(",\"applied\":").append(o.applied()).append(",\"generation\":")
                .append(o.generation());
        strings(out.append(",\"errors\":"), o.errors());
        strings(out.append(",\"warnings\":"), o.warnings());
        strings(out.append(",\"restart_needed\":"), o.restartNeeded());
        return out.append(",\"pid\":").append(pid).append("}\n").toString();
    }

    private static void strings(StringBuilder out, List<String> items) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            Json.string(i == 0 ? out : out.append(','), items.get(i));
        }
        out.append(']');
    }

    /** Reads the file; empty when it is missing or not in the form {@link #accept} writes. */
    static Optional<Status> read(Path path) {
        try {
            JsonNode s = Reader.JSON.readTree(Files.readString(path, StandardCharsets.UTF_8));
            if (!s.path("attempt").canConvertToLong() || s.path("attempt").asLong() < 0) {
                return Optional.empty();
            }
            return Optional.of(new Status(s.path("pid").asLong(-1), s.get("attempt").asLong(), s.path("trigger").asText(""),
                    s.path("applied").asBoolean(false), s.path("generation").asLong(-1), strings(s.path("errors")),
                    strings(s.path("warnings")), strings(s.path("restart_needed"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }
}
