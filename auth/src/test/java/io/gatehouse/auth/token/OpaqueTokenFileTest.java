package io.gatehouse.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpaqueTokenFileTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;
    Path file;
    MutableClock clock = new MutableClock(NOW);
    ExecutorService executor;
    OpaqueTokenFile tokens;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("tokens");
        write("""
                # token                 user     roles        expires
                12345678-1234-123456    hansroh  user,admin   0
                svc-reports             reports  reader       2026-06-01T13:00:00Z
                epoch-token             ops      -            %d
                old-token               gone     user         2026-01-01T00:00:00Z
                """.formatted(NOW.plusSeconds(60).getEpochSecond()));
        executor = Executors.newSingleThreadExecutor();
        tokens = new OpaqueTokenFile(file, Duration.ofSeconds(10), clock, executor);
        tokens.reload().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    void write(String content) throws Exception {
        Files.writeString(file, content);
        // a new modification time even when the file system's clock is coarse
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(counter++)));
    }

    long counter = 1;

    @Test
    void listedTokensMapToTheirUserRolesAndExpiry() {
        assertEquals(List.of(), tokens.problems());
        assertEquals(new TokenVerdict.Verified("hansroh", List.of("user", "admin"), null),
                tokens.verify("12345678-1234-123456"));
        assertEquals(new TokenVerdict.Verified("reports", List.of("reader"), Instant.parse("2026-06-01T13:00:00Z")),
                tokens.verify("svc-reports"));
        assertEquals(new TokenVerdict.Verified("ops", List.of(), NOW.plusSeconds(60)), tokens.verify("epoch-token"));
        assertEquals(new TokenVerdict.Refused("expired"), tokens.verify("old-token"));
        assertEquals(new TokenVerdict.Refused("unknown token"), tokens.verify("never-listed"));
    }

    @Test
    void aTokenStopsWorkingAtItsExpiry() {
        clock.advance(Duration.ofSeconds(59));
        assertTrue(tokens.verify("epoch-token").verified());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new TokenVerdict.Refused("expired"), tokens.verify("epoch-token"));
        assertTrue(tokens.verify("12345678-1234-123456").verified(), "0 never expires");
    }

    @Test
    void aChangedFileIsPickedUpAfterTheCheckInterval() throws Exception {
        write("new-token alice admin 0\n");
        assertTrue(tokens.verify("12345678-1234-123456").verified(), "not looked at before the interval");
        clock.advance(Duration.ofSeconds(10));
        Await.until("the new file is in use", () -> tokens.verify("new-token").verified());
        assertEquals(new TokenVerdict.Refused("unknown token"), tokens.verify("12345678-1234-123456"));
    }

    @Test
    void aFileThatTurnsBadKeepsTheLastGoodContentAndNamesTheBadLines() throws Exception {
        write("""
                # comment
                good-token alice admin 0
                bad-token bob
                good-token carol admin 0
                worse-token dave admin next-tuesday
                """);
        clock.advance(Duration.ofSeconds(10));
        tokens.reload().get(10, TimeUnit.SECONDS);

        assertEquals(List.of(
                file + ":3: expected TOKEN USER ROLES EXPIRES, got 2 field(s)",
                file + ":4: token already listed on line 2",
                file + ":5: expiry must be an ISO-8601 instant or epoch seconds, got next-tuesday"),
                tokens.problems());
        assertTrue(tokens.verify("12345678-1234-123456").verified(), "last good content kept");
        assertEquals(new TokenVerdict.Refused("unknown token"), tokens.verify("good-token"));
    }

    @Test
    void theCallerNeverReadsTheFileItself() {
        Queue<Runnable> queued = new ArrayDeque<>();
        OpaqueTokenFile lazy = new OpaqueTokenFile(file, Duration.ofSeconds(10), clock, queued::add);
        assertEquals(new TokenVerdict.Refused("unknown token"), lazy.verify("12345678-1234-123456"));
        assertEquals(1, queued.size());
        queued.poll().run();
        assertTrue(lazy.verify("12345678-1234-123456").verified());
        assertEquals(0, queued.size(), "not due again within the interval");
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "t u r 0|",
        "t u r -|",
        "t u r 1798761600|2027-01-01T00:00:00Z",
        "t u r 2027-01-01T00:00:00Z|2027-01-01T00:00:00Z",
        "t u r 2027-01-01T01:00:00+01:00|2027-01-01T00:00:00Z",
        "t u r 2027-01-01|error",
        "t u r,,s 0|error",
        "t\"x u r 0|error",
        "t u r 0 extra|error",
    })
    void eachLineFormatIsReadOrRefused(String line, String expected) {
        List<String> problems = new ArrayList<>();
        var parsed = tokens.parse(List.of(line), problems);
        if ("error".equals(expected)) {
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith(file + ":1: "), problems.get(0));
        } else {
            assertEquals(List.of(), problems);
            assertEquals(expected == null ? null : Instant.parse(expected),
                    parsed.get(TokenDigest.of(line.split(" ")[0])).expiresAt());
        }
    }
}
