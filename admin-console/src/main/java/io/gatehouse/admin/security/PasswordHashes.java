package io.gatehouse.admin.security;

import io.gatehouse.config.model.AdminSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The password hashes {@code [admin] password_hash} takes: bcrypt ({@code $2a$}, {@code $2b$},
 * {@code $2y$}, as {@code gatehouse passwd} and {@code htpasswd -B} write them) and PBKDF2-HMAC-SHA256
 * written {@code pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64}. Verifying is slow on purpose (bcrypt
 * cost 12 is about a quarter of a second): never on an IO thread.
 */
public final class PasswordHashes {
    /** The bcrypt cost {@code gatehouse passwd} uses: 2^12 rounds. */
    public static final int BCRYPT_COST = 12;

    private PasswordHashes() {
    }

    /** A new bcrypt hash ({@code $2b$12$...}) of {@code password} with a random salt. */
    public static String bcrypt(char[] password, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", password, salt, BCRYPT_COST);
    }

    /** A PBKDF2-HMAC-SHA256 hash in the form {@code [admin] password_hash} reads (for tests and scripts). */
    public static String pbkdf2(char[] password, byte[] salt, int iterations) {
        byte[] derived = pbkdf2Bytes(password, salt, iterations, 256);
        Base64.Encoder b64 = Base64.getEncoder();
        return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derived);
    }

    /**
     * True when {@code password} is the one {@code hash} was made from. False for a wrong password and for
     * a hash of a form this class does not read (the configuration check refuses those).
     */
    public static boolean verify(String hash, char[] password) {
        if (hash.startsWith("$2")) {
            try {
                return OpenBSDBCrypt.checkPassword(hash, password);
            } catch (RuntimeException e) { // a damaged hash: Bouncy Castle says why in its own exceptions
                return false;
            }
        }
        Optional<AdminSpec.Pbkdf2Hash> p = AdminSpec.Pbkdf2Hash.parse(hash);
        if (p.isEmpty() || p.get().derived().length == 0 || p.get().iterations() < 1) {
            return false;
        }
        byte[] actual = pbkdf2Bytes(password, p.get().salt(), p.get().iterations(), p.get().derived().length * 8);
        return MessageDigest.isEqual(p.get().derived(), actual);
    }

    private static byte[] pbkdf2Bytes(char[] password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Compares two secrets in time that depends on neither's content (both are hashed first). */
    static boolean sameSecret(String a, String b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] da = sha.digest(a.getBytes(StandardCharsets.UTF_8));
            byte[] db = sha.digest(b.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(da, db);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
