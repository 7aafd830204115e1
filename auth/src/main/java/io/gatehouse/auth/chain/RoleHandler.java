package io.gatehouse.auth.chain;

import io.gatehouse.handler.AuthenticatedUser;
import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.List;
import java.util.Objects;

/**
 * Lets a verified request reach the cluster only when its token carries one of the cluster's
 * {@code roles}; otherwise 403 with {@code WWW-Authenticate: Bearer ..., error="insufficient_scope"}
 * (RFC 6750 §3.1) and the JSON error body. Comes right after {@link BearerTokenHandler}.
 */
final class RoleHandler implements HttpHandler {
    static final String REFUSAL = "forbidden: the token carries none of the roles this resource needs";

    private final HttpHandler next;
    private final List<String> roles;
    private final String challenge;

    /** @param challenge the {@code WWW-Authenticate} value of a refusal */
    RoleHandler(HttpHandler next, List<String> roles, String challenge) {
        this.next = Objects.requireNonNull(next, "next");
        this.roles = List.copyOf(roles);
        this.challenge = Objects.requireNonNull(challenge, "challenge");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        AuthenticatedUser user = exchange.getAttachment(AuthenticatedUser.KEY);
        if (user != null && anyOf(user.roles())) {
            next.handleRequest(exchange);
            return;
        }
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, challenge);
        ErrorReply.send(exchange, 403, REFUSAL);
    }

    private boolean anyOf(List<String> held) {
        for (int i = 0; i < held.size(); i++) {
            if (roles.contains(held.get(i))) {
                return true;
            }
        }
        return false;
    }
}
