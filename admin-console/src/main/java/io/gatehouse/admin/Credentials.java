package io.gatehouse.admin;

import java.util.Optional;

/**
 * Who may use the admin listener and remote JMX: the {@code [admin]} user with its password, or anyone
 * holding the admin token. Checking a password hash is slow on purpose: never call it on an IO thread.
 */
@FunctionalInterface
public interface Credentials {
    /**
     * The name to record for the caller when {@code secret} is the user's password (for {@code user})
     * or the admin token (for any user name, recorded as {@code token}); empty otherwise.
     */
    Optional<String> check(String user, String secret);
}
