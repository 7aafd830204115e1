package io.gatehouse.it;

import static io.gatehouse.it.RawMember.latin1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The default round robin honours {@code weight=N} and keeps {@code backup} members for when no other is usable. */
@Timeout(60)
class RoundRobinTest {
    @TempDir
    java.nio.file.Path tmp;

    RawMember heavy;
    RawMember light;
    RawMember spare;
    GatehouseHarness gatehouse;

    private static RawMember.Script answering(String name) {
        return (String path, String head, InputStream in, OutputStream out) -> {
            out.write(latin1("HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name));
            return true;
        };
    }

    @BeforeEach
    void start() throws IOException {
        heavy = RawMember.start(answering("heavy"));
        light = RawMember.start(answering("light"));
        spare = RawMember.start(answering("spare"));
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app

                [@app]
                members = 127.0.0.1:%d weight=2, 127.0.0.1:%d, 127.0.0.1:%d backup
                """.formatted(heavy.port(), light.port(), spare.port()));
    }

    @AfterEach
    void stop() throws Exception {
        gatehouse.close();
        heavy.close();
        light.close();
        spare.close();
    }

    private Map<String, Integer> answers(int requests) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            try (RawHttp http = new RawHttp(gatehouse.address())) {
                String r = http.send("GET /" + i + " HTTP/1.1\r\nHost: rr.test\r\nConnection: close\r\n\r\n").readAll();
                counts.merge(r.substring(r.lastIndexOf('\n') + 1), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void weightsSetTheSharesAndTheBackupWaits() throws Exception {
        assertEquals(Map.of("heavy", 20, "light", 10), answers(30));
    }

    @Test
    void theBackupServesWhenEveryOtherMemberIsGone() throws Exception {
        heavy.close();
        light.close();
        assertEquals(Map.of("spare", 6), answers(6), "members that refuse connections are passed over for the backup");
    }
}
