package io.gatehouse.auth.token;

/**
 * Something that decides whether a bearer token is good: a JWT verifier, the opaque token file, or
 * the cache in front of either. Never blocks: key and file loads happen on executors.
 */
@FunctionalInterface
public interface TokenVerifier {

    /** The verdict on {@code token} (the bearer token as sent, without the scheme). */
    TokenVerdict verify(String token);
}
