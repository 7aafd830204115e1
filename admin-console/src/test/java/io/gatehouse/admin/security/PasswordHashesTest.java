package io.gatehouse.admin.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.AdminSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.source.SourcePos;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The password hashes {@code [admin] password_hash} takes, verified as the login does: bcrypt in its three
 * prefixes and PBKDF2-SHA256, each accepting its password and refusing any other; and the credentials
 * over a spec (user and password, or the token for any user name).
 */
class PasswordHashesTest {
    static final String PASSWORD = "correct horse battery staple";
    static final SecureRandom RANDOM = new SecureRandom();

    static Stream<String> hashesOfThePassword() {
        String bcrypt = PasswordHashes.bcrypt(PASSWORD.toCharArray(), RANDOM);
        return Stream.of(bcrypt, bcrypt.replace("$2b$", "$2a$"), bcrypt.replace("$2b$", "$2y$"),
                PasswordHashes.pbkdf2(PASSWORD.toCharArray(), "0123456789abcdef".getBytes(StandardCharsets.UTF_8), 10_000),
                // as Python's hashlib.pbkdf2_hmac('sha256', b'correct horse battery staple', b'salt-for-tests', 10000)
                "pbkdf2-sha256$10000$c2FsdC1mb3ItdGVzdHM=$" + java.util.Base64.getEncoder().encodeToString(
                        pbkdf2Reference(PASSWORD, "salt-for-tests", 10_000)));
    }

    /** The JDK's own PBKDF2, called directly: what any other PBKDF2-HMAC-SHA256 gives for these inputs. */
    static byte[] pbkdf2Reference(String password, String salt, int iterations) {
        try {
            return javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                    new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt.getBytes(StandardCharsets.UTF_8),
                            iterations, 256)).getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("hashesOfThePassword")
    void aHashAcceptsItsPasswordAndRefusesAnyOther(String hash) {
        assertTrue(PasswordHashes.verify(hash, PASSWORD.toCharArray()));
        assertFalse(PasswordHashes.verify(hash, "correct horse battery stapler".toCharArray()));
        assertFalse(PasswordHashes.verify(hash, new char[0]));
    }

    @Test
    void gatehousePasswdWritesBcryptAtCost12WithARandomSalt() {
        String a = PasswordHashes.bcrypt(PASSWORD.toCharArray(), RANDOM);
        String b = PasswordHashes.bcrypt(PASSWORD.toCharArray(), RANDOM);
        assertTrue(a.matches("\\$2b\\$12\\$[./A-Za-z0-9]{53}"), a);
        assertFalse(a.equals(b), "a new salt each time");
    }

    @Test
    void aHashOfAnotherFormIsRefusedWithoutAnError() {
        assertFalse(PasswordHashes.verify("secret", "secret".toCharArray()));
        assertFalse(PasswordHashes.verify("$2b$12$short", "x".toCharArray()));
        assertFalse(PasswordHashes.verify("pbkdf2-sha256$10000$!!$!!", "x".toCharArray()));
    }

    @Test
    void credentialsAcceptTheUserWithItsPasswordOrTheTokenAndNothingElse() {
        String hash = PasswordHashes.pbkdf2(PASSWORD.toCharArray(), "0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                10_000);
        SourcePos pos = new SourcePos("a.conf", 1);
        AdminSpec spec = new AdminSpec(pos, new HostPort("127.0.0.1", 9090), Optional.of("alice"), Optional.of(hash),
                Optional.of("0123456789abcdef0123"), Duration.ofMinutes(30), Optional.empty(), Optional.empty(), "", 0,
                KeyPositions.none(pos));
        SpecCredentials credentials = new SpecCredentials(spec);
        assertEquals(Optional.of("alice"), credentials.check("alice", PASSWORD));
        assertEquals(Optional.empty(), credentials.check("bob", PASSWORD));
        assertEquals(Optional.empty(), credentials.check("alice", "wrong"));
        assertEquals(Optional.of("token"), credentials.check("", "0123456789abcdef0123"));
        assertEquals(Optional.of("token"), credentials.check("anyone", "0123456789abcdef0123"));
        assertEquals(Optional.empty(), credentials.check("", "0123456789abcdef012"));
        assertEquals(Optional.empty(), credentials.check("", PASSWORD), "a password needs its user");
    }
}
