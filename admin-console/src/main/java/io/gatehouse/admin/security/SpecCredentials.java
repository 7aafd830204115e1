package io.gatehouse.admin.security;

import io.gatehouse.admin.Credentials;
import io.gatehouse.config.model.AdminSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * The credentials of {@code [admin]}: the user with its password hash, and the token. Names and the
 * token are compared in constant time, and the hash is checked even for a wrong user name, so the time
 * an answer takes does not tell which part was wrong.
 */
public final class SpecCredentials implements Credentials {
    /** The name recorded for a caller who gave the token. */
    public static final String TOKEN_USER = "token";

    private final Optional<String> user;
    private final Optional<String> passwordHash;
    private final Optional<String> token;

    public SpecCredentials(AdminSpec spec) {
        Objects.requireNonNull(spec, "spec");
        this.user = spec.user();
        this.passwordHash = spec.passwordHash();
        this.token = spec.token();
    }

    @Override
    public Optional<String> check(String user, String secret) {
        if (user == null || secret == null) {
            return Optional.empty();
        }
        if (token.isPresent() && PasswordHashes.sameSecret(token.get(), secret)) {
            return Optional.of(TOKEN_USER);
        }
        if (passwordHash.isEmpty() || user.isEmpty()) {
            return Optional.empty(); // a bearer token that is not the token: no hash to compute
        }
        boolean sameUser = PasswordHashes.sameSecret(this.user.get(), user);
        boolean samePassword = PasswordHashes.verify(passwordHash.get(), secret.toCharArray());
        return sameUser && samePassword ? this.user : Optional.empty();
    }
}
