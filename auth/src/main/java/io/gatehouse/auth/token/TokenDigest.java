package io.gatehouse.auth.token;

import io.gatehouse.log.TokenFingerprint;
import java.nio.ByteBuffer;

/**
 * The SHA-256 of a token, used as the key wherever Gatehouse keeps tokens in memory (the verified
 * token cache, the opaque token file), so that the token itself is never a map key.
 */
record TokenDigest(long w0, long w1, long w2, long w3) {
    /** The digest of {@code token}'s UTF-8 bytes. */
    static TokenDigest of(String token) {
        ByteBuffer d = ByteBuffer.wrap(TokenFingerprint.sha256(token));
        return new TokenDigest(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }

    @Override
    public String toString() {
        return "TokenDigest[" + Long.toHexString(w0) + "...]";
    }
}
