package io.gatehouse.auth.token;

import java.util.Objects;

/**
 * What a request's {@code Authorization} header says about a bearer token: none sent, something
 * that is not a well-formed {@code Bearer <token>} (RFC 6750 §2.1), or the token itself.
 *
 * <p>The scheme is matched case-insensitively and may be followed by one space or more; the token
 * must be RFC 7235 {@code token68} characters ({@code A-Z a-z 0-9 - . _ ~ + /}, then {@code =}
 * padding only at the end). Leading and trailing spaces and tabs of the field value are ignored.
 * The two refusals are kept apart because RFC 6750 §3.1 answers them differently: a missing
 * token gets a challenge without an {@code error}, a malformed one gets an {@code error}.
 */
public sealed interface BearerToken permits BearerToken.Missing, BearerToken.Malformed, BearerToken.Present {

    /** No {@code Authorization} header, or an empty one. */
    record Missing() implements BearerToken {
    }

    /** An {@code Authorization} header that is not {@code Bearer <token68>}; {@code reason} in words. */
    record Malformed(String reason) implements BearerToken {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }

        /**
         * True when the header holds credentials of another scheme ({@code Basic ...}): no bearer token
         * was attempted, which RFC 6750 §3.1 answers like a missing one, without an {@code error}.
         */
        public boolean otherScheme() {
            return reason.equals(NOT_BEARER);
        }
    }

    /** The reason of a {@link Malformed} header of another scheme. */
    String NOT_BEARER = "not a Bearer credential";

    /** A well-formed bearer token. */
    record Present(String token) implements BearerToken {
        public Present {
            Objects.requireNonNull(token, "token");
        }
    }

    /** The token in {@code authorization} (the header's value, or null when absent). */
    static BearerToken from(String authorization) {
        if (authorization == null) {
            return new Missing();
        }
        int start = 0;
        int end = authorization.length();
        while (start < end && isOws(authorization.charAt(start))) {
            start++;
        }
        while (end > start && isOws(authorization.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return new Missing();
        }
        String scheme = "Bearer";
        if (end - start < scheme.length()
                || !authorization.regionMatches(true, start, scheme, 0, scheme.length())) {
            return new Malformed(NOT_BEARER);
        }
        int pos = start + scheme.length();
        if (pos == end) {
            return new Malformed("Bearer without a token");
        }
        if (authorization.charAt(pos) != ' ') {
            return new Malformed(NOT_BEARER);
        }
        while (pos < end && authorization.charAt(pos) == ' ') {
            pos++;
        }
        String token = authorization.substring(pos, end);
        return isToken68(token) ? new Present(token) : new Malformed("token has characters outside token68");
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether {@code s} is an RFC 7235 token68: one or more token characters, then {@code =} padding only. */
    static boolean isToken68(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isToken68Char(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static boolean isToken68Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
