package io.gatehouse.auth.chain;

import io.gatehouse.auth.token.TokenVerdict;
import io.gatehouse.auth.token.TokenVerifier;
import java.util.List;
import java.util.Objects;

/**
 * How one site checks bearer tokens: its verifier (the verified-token cache in front of the JWT
 * verifier and/or the opaque token file) and the {@code WWW-Authenticate} challenges with its realm.
 */
final class SiteTokens {
    private final TokenVerifier verifier;
    final String challenge;
    final String invalidToken;
    final String insufficientScope;

    /** @param verifier already cached; {@code realm} holds no quote or backslash (the binder refuses them) */
    SiteTokens(TokenVerifier verifier, String realm) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.challenge = "Bearer realm=\"" + realm + "\"";
        this.invalidToken = challenge + ", error=\"invalid_token\"";
        this.insufficientScope = challenge + ", error=\"insufficient_scope\"";
    }

    TokenVerdict verify(String token) {
        return verifier.verify(token);
    }

    /**
     * The JWT verifier and the token file as one: a token the file holds is the file's; any other goes to
     * the JWT verifier when there is one. A user or role that could not travel in a header field (a
     * control character, a comma in a role) refuses the token, so nothing a token says can split or
     * forge a field towards members.
     */
    static TokenVerifier either(TokenVerifier opaque, TokenVerifier jwt) {
        TokenVerifier both;
        if (opaque == null) {
            both = jwt;
        } else if (jwt == null) {
            both = opaque;
        } else {
            both = token -> {
                TokenVerdict fromFile = opaque.verify(token);
                return fromFile.verified() ? fromFile : jwt.verify(token);
            };
        }
        return token -> headerSafe(both.verify(token));
    }

    private static TokenVerdict headerSafe(TokenVerdict verdict) {
        if (!(verdict instanceof TokenVerdict.Verified v)) {
            return verdict;
        }
        if (!fieldSafe(v.user(), false)) {
            return new TokenVerdict.Refused("user name holds a control character");
        }
        List<String> roles = v.roles();
        for (int i = 0; i < roles.size(); i++) {
            if (!fieldSafe(roles.get(i), true)) {
                return new TokenVerdict.Refused("a role holds a control character or a comma");
            }
        }
        return verdict;
    }

    private static boolean fieldSafe(String s, boolean noComma) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (noComma && c == ',')) {
                return false;
            }
        }
        return true;
    }
}
