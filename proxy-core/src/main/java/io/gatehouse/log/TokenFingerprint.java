package io.gatehouse.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The short stand-in for an access token that the request log prints in field 14, so that a log
 * reader can tell requests with the same token apart from others but cannot replay the token:
 * {@code sha256:} followed by the first 12 hex digits of the SHA-256 of the token's UTF-8 bytes.
 */
public final class TokenFingerprint {
    private static final String PREFIX = "sha256:";
    private static final int HEX_DIGITS = 12;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    });

    private TokenFingerprint() {
    }

    /** The fingerprint of {@code rawToken}, or null when there is no token (null or empty). */
    public static String of(String rawToken) {
        if (rawToken == null || rawToken.isEmpty()) {
            return null;
        }
        byte[] digest = sha256(rawToken);
        char[] out = new char[PREFIX.length() + HEX_DIGITS];
        PREFIX.getChars(0, PREFIX.length(), out, 0);
        for (int i = 0; i < HEX_DIGITS / 2; i++) {
            out[PREFIX.length() + 2 * i] = HEX[(digest[i] >> 4) & 0xF];
            out[PREFIX.length() + 2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(out);
    }

    /**
     * The SHA-256 of {@code text}'s UTF-8 bytes: the one digest of a token Gatehouse makes, for this
     * fingerprint and for the auth module's in-memory token keys.
     */
    public static byte[] sha256(String text) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
