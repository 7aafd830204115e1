package io.gatehouse.upstream;

import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.upstream.http1.HeaderSink;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The fields that tell members who made a request ({@code [api-gateway] user_header} and
 * {@code roles_header}, {@code X-Auth-User} and {@code X-Auth-Roles} by default). Whatever a client
 * sends under these names is never passed on, on any route of the site; a request whose token was
 * verified gets Gatehouse's own values: the user, and the roles joined with commas.
 */
public record IdentityHeaders(HttpString user, HttpString roles) {
    /** {@code X-Auth-User} and {@code X-Auth-Roles}. */
    public static final IdentityHeaders DEFAULT = of("X-Auth-User", "X-Auth-Roles");

    public IdentityHeaders {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(roles, "roles");
    }

    public static IdentityHeaders of(String user, String roles) {
        return new IdentityHeaders(new HttpString(user), new HttpString(roles));
    }

    /** True when {@code name} is one of the two fields (case-insensitively, as {@link HttpString} compares). */
    boolean names(HttpString name) {
        return user.equals(name) || roles.equals(name);
    }

    /** Writes {@code who}'s user and roles; a name outside ASCII goes as its UTF-8 bytes. */
    void write(HeaderSink to, AuthenticatedUser who) {
        to.header(user, wire(who.user()));
        to.header(roles, wire(String.join(",", who.roles())));
    }

    /** The UTF-8 bytes of {@code text} as one char each, which is how header values are written. */
    private static String wire(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7e) {
                return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return text;
    }
}
