package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.runtime.ReloadOutcome;
import io.gatehouse.view.ConfigStatus;
import java.util.List;

/**
 * {@code GET /api/config} and the answer of {@code POST /api/config/reload}; the same reload outcome is
 * what {@code gatehouse.reload} holds for {@code gatehouse reload}.
 */
public final class ConfigJson {
    private ConfigJson() {
    }

    static ObjectNode status(ConfigStatus s) {
        ObjectNode o = Replies.object();
        o.put("directory", s.directory());
        o.put("generation", s.generation());
        o.put("loaded_at", Replies.iso(s.loadedAt()));
        ArrayNode files = o.putArray("files");
        for (ConfigStatus.ConfigFile f : s.files()) {
            ObjectNode file = files.addObject();
            file.put("name", f.name());
            file.put("sha256", f.sha256());
            file.put("size", f.size());
        }
        if (s.lastReload().isPresent()) {
            o.set("last_reload", outcome(s.lastReload().get()));
        } else {
            o.putNull("last_reload");
        }
        return o;
    }

    /** One reload attempt as the API and the {@code gatehouse.reload} file write it. */
    public static ObjectNode outcome(ReloadOutcome r) {
        ObjectNode o = Replies.object();
        o.put("attempt", r.attempt());
        o.put("at", Replies.iso(r.at()));
        o.put("trigger", r.trigger());
        o.put("applied", r.applied());
        o.put("generation", r.generation());
        strings(o.putArray("errors"), r.errors());
        strings(o.putArray("warnings"), r.warnings());
        strings(o.putArray("restart_needed"), r.restartNeeded());
        return o;
    }

    private static void strings(ArrayNode into, List<String> items) {
        items.forEach(into::add);
    }
}
