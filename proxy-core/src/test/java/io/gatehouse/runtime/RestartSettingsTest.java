package io.gatehouse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.model.GatehouseConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which changed settings a reload cannot apply, and how it says so. */
class RestartSettingsTest {
    private static final String SITE = "[server]\nport = 8080\n%s\n\n[routes:line]\n/hc = return 200 OK\n\n%s\n";

    private static final String ADMIN = "[admin]\nport = %d\ntoken = a-token-of-twenty-chars\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("", "", "", "", List.of()),
                Arguments.of("", "", "processes = 1", "", List.of()),
                Arguments.of("", "", "processes = 2", "",
                        List.of("[server] processes changed from 1 to 2: takes effect at the next restart")),
                Arguments.of("threads = 4", "", "threads = 16", "",
                        List.of("[server] threads changed from 4 to 16: takes effect at the next restart")),
                Arguments.of("", "", "", "[log]\ndir = /var/log/gatehouse",
                        List.of("[log] dir changed from logs to /var/log/gatehouse: takes effect at the next restart")),
                Arguments.of("", "[log]\nring_size = 1000\nretain_days = 14", "",
                        "[log]\nring_size = 50\nretain_days = 3\nerror_level = warn\nerror_stderr = no",
                        List.of("[log] ring_size changed from 1000 to 50: takes effect at the next restart",
                                "[log] retain_days changed from 14 to 3: takes effect at the next restart",
                                "[log] error_level changed from info to warn: takes effect at the next restart",
                                "[log] error_stderr changed from yes to no: takes effect at the next restart")),
                Arguments.of("processes = 4\nthreads = 8", "[log]\ndir = logs", "threads = 8\nprocesses = 4",
                        "[log]\ndir = logs\n", List.of()),
                // [admin]: the same settings on other lines are no change; any other change is named, never shown
                Arguments.of("", ADMIN.formatted(9090), "", "; moved\n\n" + ADMIN.formatted(9090), List.of()),
                Arguments.of("", ADMIN.formatted(9090), "", ADMIN.formatted(9091),
                        List.of("[admin] changed: takes effect at the next restart")),
                Arguments.of("", "", "", ADMIN.formatted(9091),
                        List.of("[admin] changed: takes effect at the next restart")));
    }

    @ParameterizedTest
    @MethodSource("changes")
    void onlySettingsFixedAtStartThatDifferAreListed(String serverBefore, String logBefore, String serverAfter,
                                                       String logAfter, List<String> expected) {
        GatehouseConfig before = load("before", serverBefore, logBefore);
        GatehouseConfig after = load("after", serverAfter, logAfter);
        assertEquals(expected, RestartSettings.changed(before, after));
    }

    private GatehouseConfig load(String name, String server, String log) {
        ConfDirFixture dir = new ConfDirFixture(tmp.resolve(name)).file("site.conf", SITE.formatted(server, log));
        return dir.load().config().orElseThrow(() -> new AssertionError(dir.problems()));
    }
}
