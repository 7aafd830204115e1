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

    private static final ThreadLocal<Digester> DIGESTER = ThreadLocal.withInitial(Digester::new);

    /**
     * A thread's SHA-256, and the digest of the last text it was given: one request's token goes
     * through the verified-token cache's key, the opaque token file and this fingerprint as the same
     * {@code String}, so it is hashed once per request, not once per use.
     */
    private static final class Digester {
        private final MessageDigest sha256;
        private String lastText;
        private byte[] lastDigest;

        Digester() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }

        byte[] digest(String text) {
            if (text != lastText) {   // the same instance: the same text
                sha256.reset();
                lastDigest = sha256.digest(text.getBytes(StandardCharsets.UTF_8));
                lastText = text;
            }
            return lastDigest.clone();
        }
    }

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
     * fingerprint and for the auth module's in-memory token keys; made once when the same
     * {@code String} is given again on the same thread (a new array each time).
     */
    public static byte[] sha256(String text) {
        return DIGESTER.get().digest(text);
    }
}
