package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfDirFixture;
import io.gatehouse.config.model.AdminSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code [admin]} as the loader binds it: defaults, every key, and each refusal at its {@code file:line}
 * (credentials, hash form, token length, ports, the public listeners' addresses).
 */
class AdminSettingsTest {
    private static final String ROUTES = "[server]\nip = 127.0.0.1\nport = 8080\n[routes:line]\n/ = return 200 OK\n";
    static final String BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0";
    static final String PBKDF2 = "pbkdf2-sha256$210000$c2FsdHNhbHRzYWx0$"
            + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final String TOKEN = "0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void aDirectoryWithoutAdminHasNoAdminListener() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES);
        assertEquals(Optional.empty(), f.load().config().orElseThrow().admin());
    }

    @Test
    void aMinimalSectionTakesTheDefaults() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES);
        f.file("b.conf", "[admin]\nport = 9090\ntoken = " + TOKEN + "\n");
        AdminSpec admin = f.load().config().orElseThrow().admin().orElseThrow();
        assertEquals(new HostPort("127.0.0.1", 9090), admin.bind());
        assertEquals(Optional.of(TOKEN), admin.token());
        assertEquals(Optional.empty(), admin.user());
        assertEquals(Duration.ofMinutes(30), admin.sessionTimeout());
        assertFalse(admin.tls());
        assertEquals(0, admin.jmxPort());
        assertFalse(admin.toString().contains(TOKEN), "the token is never printed");
    }

    @Test
    void everyKeyIsBoundWithItsLine() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES);
        f.file("b.conf", "[admin]\nip = ::1\nport = 9090\nuser = alice\npassword_hash = " + PBKDF2
                + "\ntoken = ${ADMIN_TOKEN}\nsession_timeout = 5m\ncertfile = tls/admin.crt\nkeyfile = tls/admin.key\n"
                + "passphrase = pw\njmx_port = 9091\n");
        AdminSpec admin = f.load(Map.of("ADMIN_TOKEN", TOKEN + TOKEN)).config().orElseThrow().admin().orElseThrow();
        assertEquals(new HostPort("::1", 9090), admin.bind());
        assertEquals(Optional.of("alice"), admin.user());
        assertEquals(Optional.of(PBKDF2), admin.passwordHash());
        assertEquals(Optional.of(TOKEN + TOKEN), admin.token());
        assertEquals(Duration.ofMinutes(5), admin.sessionTimeout());
        assertEquals(Optional.of(tmp.resolve("tls/admin.crt").normalize()), admin.certfile().map(Path::normalize));
        assertEquals(Optional.of(tmp.resolve("tls/admin.key").normalize()), admin.keyfile().map(Path::normalize));
        assertEquals("pw", admin.passphrase());
        assertEquals(9091, admin.jmxPort());
        assertTrue(admin.tls());
        assertEquals(new SourcePos(f.dir().resolve("b.conf").toString(), 11), admin.keys().of("jmx_port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bcryptAndPbkdf2")
    void bothHashFormsAreAccepted(String hash) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + "[admin]\nport = 9090\nuser = alice\npassword_hash = " + hash + "\n");
        assertEquals(List.of(), f.problems());
    }

    static Stream<String> bcryptAndPbkdf2() {
        return Stream.of(BCRYPT, BCRYPT.replace("$2b$", "$2a$"), BCRYPT.replace("$2b$", "$2y$"), PBKDF2);
    }

    static Stream<Arguments> refusals() {
        String a = "@D/a.conf:";
        return Stream.of(
                Arguments.of("no credentials", "port = 9090\n",
                        a + "6: [admin] has neither user with password_hash nor token: no access without credentials"),
                Arguments.of("a user without hash", "port = 9090\nuser = alice\n",
                        a + "8: [admin] user needs password_hash (make one with: gatehouse passwd alice)"),
                Arguments.of("a hash without user", "port = 9090\npassword_hash = " + PBKDF2 + "\n",
                        a + "8: [admin] password_hash needs user: the name to log in with"),
                Arguments.of("an unreadable hash", "port = 9090\nuser = alice\npassword_hash = secret\n",
                        a + "9: [admin] password_hash must be " + AdminSectionBinder.HASH_FORMS
                                + ", got a value of another form"),
                Arguments.of("a bcrypt hash cut short", "port = 9090\nuser = alice\npassword_hash = "
                                + BCRYPT.substring(0, 40) + "\n",
                        a + "9: [admin] password_hash must be " + AdminSectionBinder.HASH_FORMS
                                + ", got a value of another form"),
                Arguments.of("a short token", "port = 9090\ntoken = short\n",
                        a + "8: [admin] token must be at least 16 characters, got 5 (make one with: openssl rand -hex 32)"),
                Arguments.of("no port", "token = " + TOKEN + "\n",
                        a + "6: [admin] port is required: the admin listener's port (e.g. port = 9090)"),
                Arguments.of("a bad port", "port = 70000\ntoken = " + TOKEN + "\n",
                        a + "7: [admin] port must be a port number 1..65535, got 70000"),
                Arguments.of("jmx_port equal to port", "port = 9090\ntoken = " + TOKEN + "\njmx_port = 9090\n",
                        a + "9: [admin] jmx_port must differ from port (9090)"),
                Arguments.of("a public listener's address", "port = 8080\ntoken = " + TOKEN + "\n",
                        a + "7: [admin] 127.0.0.1:8080 is the address of the public listener of @D/a.conf; the admin"
                                + " listener needs an address of its own"),
                Arguments.of("a wildcard on a public listener's port", "ip = 0.0.0.0\nport = 8080\ncertfile = a.pem\ntoken = "
                                + TOKEN + "\n",
                        a + "8: [admin] 0.0.0.0:8080 is the address of the public listener of @D/a.conf; the admin"
                                + " listener needs an address of its own"),
                Arguments.of("jmx_port on a public listener's port", "port = 9090\ntoken = " + TOKEN + "\njmx_port = 8080\n",
                        a + "9: [admin] jmx_port 8080 is the port of the public listener of @D/a.conf"),
                Arguments.of("keyfile without certfile", "port = 9090\ntoken = " + TOKEN + "\nkeyfile = a.key\n",
                        a + "9: [admin] keyfile needs certfile (the admin listener's certificate chain)"),
                Arguments.of("an unknown key", "port = 9090\ntoken = " + TOKEN + "\nusers = x\n",
                        a + "9: [admin] unknown key \"users\"; known keys: " + String.join(", ", AdminSectionBinder.KEYS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aBadSectionIsRefusedAtItsLine(String what, String body, String expected) {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + "[admin]\n" + body);
        LoadOutcome outcome = f.load();
        assertEquals(List.of(expected), f.shown(outcome.problems()));
        assertTrue(outcome.config().isEmpty());
    }

    @Test
    void aNonLoopbackAddressWithoutTlsIsWarnedAbout() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + "[admin]\nip = 0.0.0.0\nport = 9090\ntoken = " + TOKEN + "\n");
        LoadOutcome outcome = f.load();
        assertTrue(outcome.config().isPresent());
        assertEquals(List.of("@D/a.conf:7: warning: [admin] ip = 0.0.0.0 is reachable from other hosts and the admin"
                + " listener has no TLS: passwords, tokens and session cookies would cross the network in clear; set"
                + " certfile (and keyfile), or keep ip = 127.0.0.1 and use an SSH tunnel"), f.shown(outcome.problems()));
    }

    @Test
    void theSectionIsDefinedOnceAcrossAllFiles() {
        ConfDirFixture f = new ConfDirFixture(tmp);
        f.file("a.conf", ROUTES + "[admin]\nport = 9090\ntoken = " + TOKEN + "\n");
        f.file("b.conf", "[admin]\nport = 9091\ntoken = " + TOKEN + "\n");
        assertEquals(List.of("@D/b.conf:1: [admin] is global and already defined at @D/a.conf:6; define it once across"
                + " all files"), f.problems());
    }
}
