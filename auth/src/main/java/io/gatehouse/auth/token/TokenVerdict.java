package io.gatehouse.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Whether a token lets a request in: {@link Verified} with who it is and what roles it carries, or
 * {@link Refused} with the reason in words ({@code "expired"}, {@code "bad signature"}, ...), which
 * goes to the log, never to the client.
 */
public sealed interface TokenVerdict permits TokenVerdict.Verified, TokenVerdict.Refused {

    /** Calls the visitor's method for this kind of verdict (the compiler checks both are handled). */
    <R> R accept(Visitor<R> visitor);

    /** True for {@link Verified}. */
    boolean verified();

    /** One method per verdict kind. */
    interface Visitor<R> {
        R verified(Verified verified);

        R refused(Refused refused);
    }

    /**
     * A good token: the user it names, its roles (in the token's order, no duplicates), and when it
     * stops being good ({@code null} when it never expires).
     */
    record Verified(String user, List<String> roles, Instant expiresAt) implements TokenVerdict {
        public Verified {
            Objects.requireNonNull(user, "user");
            roles = List.copyOf(roles);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.verified(this);
        }

        @Override
        public boolean verified() {
            return true;
        }
    }

    /** A token that does not let the request in, and why. */
    record Refused(String reason) implements TokenVerdict {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.refused(this);
        }

        @Override
        public boolean verified() {
            return false;
        }
    }
}
