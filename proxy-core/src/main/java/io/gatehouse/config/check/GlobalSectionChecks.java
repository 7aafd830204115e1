package io.gatehouse.config.check;

import io.gatehouse.config.bind.BoundDirectory;
import io.gatehouse.config.bind.Problems;
import io.gatehouse.config.source.SourcePos;
import java.util.List;
import java.util.stream.Collectors;

/** Global sections ({@code [proxypass]}, {@code [log]}, {@code [admin]}) may appear at most once across all files. */
public final class GlobalSectionChecks {
    private GlobalSectionChecks() {
    }

    public static void check(BoundDirectory dir, Problems problems) {
        once("[proxypass]", dir.proxyPass().stream().map(s -> s.pos()).collect(Collectors.toList()), problems);
        once("[log]", dir.logs().stream().map(s -> s.pos()).collect(Collectors.toList()), problems);
        once("[admin]", dir.admins(), problems);
    }

    private static void once(String section, List<SourcePos> places, Problems problems) {
        for (int i = 1; i < places.size(); i++) {
            problems.error(places.get(i), section + " is global and already defined at " + places.get(0)
                    + "; define it once across all files");
        }
    }
}
