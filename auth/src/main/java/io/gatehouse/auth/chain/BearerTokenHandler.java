package io.gatehouse.auth.chain;

import io.gatehouse.auth.token.BearerToken;
import io.gatehouse.auth.token.TokenVerdict;
import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.handler.RequestIds;
import io.gatehouse.log.TokenFingerprint;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request reach the cluster only with a valid {@code Authorization: Bearer} token, checked with
 * the {@code [api-gateway]} of the site whose route map served it. No token (or credentials of another
 * scheme): 401 with {@code WWW-Authenticate: Bearer realm="..."}; a token that is malformed, expired,
 * badly signed or otherwise refused: 401 with {@code error="invalid_token"} added (RFC 6750 §3.1); both
 * with the JSON error body. Why a token was refused goes to the error log at debug level, never to the
 * client. A verified token's user, roles and fingerprint are attached for the roles stage, the request
 * log (fields 13 and 14) and the identity fields sent to members. A token seen recently costs one map
 * lookup (the verified-token cache); nothing here waits for a key or file load.
 */
final class BearerTokenHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenHandler.class);
    static final String MISSING = "unauthorized: a bearer token is required";
    static final String INVALID = "unauthorized: the bearer token is not valid";

    private final HttpHandler next;
    private final SiteTokens tokens;

    BearerTokenHandler(HttpHandler next, SiteTokens tokens) {
        this.next = Objects.requireNonNull(next, "next");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        BearerToken bearer = BearerToken.from(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (bearer instanceof BearerToken.Present present) {
            String token = present.token();
            TokenVerdict verdict = tokens.verify(token);
            if (verdict instanceof TokenVerdict.Verified v) {
                exchange.putAttachment(AuthenticatedUser.KEY,
                        new AuthenticatedUser(v.user(), TokenFingerprint.of(token), v.roles()));
                next.handleRequest(exchange);
                return;
            }
            refuse(exchange, tokens.invalidToken, INVALID, ((TokenVerdict.Refused) verdict).reason());
        } else if (bearer instanceof BearerToken.Malformed malformed && !malformed.otherScheme()) {
            refuse(exchange, tokens.invalidToken, INVALID, malformed.reason());
        } else {
            refuse(exchange, tokens.challenge, MISSING, null);
        }
    }

    private static void refuse(HttpServerExchange exchange, String challenge, String message, String reason) {
        if (reason != null && LOG.isDebugEnabled()) {
            RequestIds ids = exchange.getAttachment(RequestIds.KEY);
            LOG.debug("{} token refused: {}", ids == null ? "-" : ids.gtid(), reason);
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge);
        ErrorReply.send(exchange, 401, message);
    }
}
