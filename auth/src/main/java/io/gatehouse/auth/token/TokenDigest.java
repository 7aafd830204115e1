package io.gatehouse.auth.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a token, used as the key wherever Gatehouse keeps tokens in memory (the verified
 * token cache, the opaque token file), so that the token itself is never a map key.
 */
record TokenDigest(long w0, long w1, long w2, long w3) {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    });

    /** The digest of {@code token}'s UTF-8 bytes. */
    static TokenDigest of(String token) {
        MessageDigest md = SHA256.get();
        md.reset();
        ByteBuffer d = ByteBuffer.wrap(md.digest(token.getBytes(StandardCharsets.UTF_8)));
        return new TokenDigest(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }

    @Override
    public String toString() {
        return "TokenDigest[" + Long.toHexString(w0) + "...]";
    }
}
