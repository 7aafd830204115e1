package io.gatehouse.handler;

import io.undertow.util.AttachmentKey;
import java.util.List;
import java.util.Objects;

/**
 * Who a request was made by, once an auth stage has verified it: the user name, the token's
 * fingerprint (never the token) and the token's roles. Read by the request log (fields 13 and 14) and
 * by the proxy, which tells members the user and roles in the site's identity fields
 * ({@code X-Auth-User}, {@code X-Auth-Roles} by default).
 */
public record AuthenticatedUser(String user, String tokenFingerprint, List<String> roles) {
    public static final AttachmentKey<AuthenticatedUser> KEY = AttachmentKey.create(AuthenticatedUser.class);

    public AuthenticatedUser {
        Objects.requireNonNull(user, "user");
        roles = List.copyOf(roles);
    }

    /** A user known without roles (a log record's fields 13 and 14 only). */
    public AuthenticatedUser(String user, String tokenFingerprint) {
        this(user, tokenFingerprint, List.of());
    }
}
