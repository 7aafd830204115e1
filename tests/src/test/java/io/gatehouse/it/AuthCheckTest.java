package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gatehouse.app.Assembly;
import io.gatehouse.app.StartFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader that {@code gatehouse check}, the start and a reload share refuses what would serve a
 * protected cluster open or with a weak key, at the offending line (issue 11: fail closed).
 */
class AuthCheckTest {
    @TempDir
    Path tmp;

    private List<String> refusal(String conf) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(dir.resolve("a.conf"), conf + "\n[log]\ndir = " + tmp.resolve("logs") + "\n");
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        StartFailure failure = assertThrows(StartFailure.class, () -> Assembly.start(dir, Map.of(), err).close());
        return failure.lines().stream().map(l -> l.substring(l.indexOf("a.conf:"))).toList();
    }

    @Test
    void aClusterWithRolesBehindASiteThatDoesNotAuthenticateIsRefusedAtItsRouteLine() throws Exception {
        assertEquals(List.of("a.conf:5: route /admin = @admin: @admin lets in only tokens with roles admin"
                + " (" + tmp.resolve("conf.d/a.conf") + ":9), but this site's [api-gateway] does not check tokens;"
                + " set enable_gateway = yes and authenticate = yes with a key, or remove roles (a cluster with roles"
                + " is never served without a token check)"), refusal("""
                [server]
                port = %d

                [routes:line]
                /admin = @admin

                [@admin]
                members = 127.0.0.1:9
                roles = admin
                """.formatted(GatehouseHarness.freePort())));
    }

    @Test
    void aSixteenByteSecretKeyIsRefusedAtItsLine() throws Exception {
        assertEquals(List.of("a.conf:5: [api-gateway] secret_key must be at least 32 bytes (HS256 needs 256 bits),"
                + " got 16"), refusal("""
                [api-gateway]
                enable_gateway = yes
                authenticate = yes
                realm = Shop
                secret_key = 0123456789abcdef

                [routes:line]
                /admin = @admin

                [@admin]
                members = 127.0.0.1:9
                roles = admin
                """));
    }
}
