package io.gatehouse.auth.chain;

import io.gatehouse.auth.access.ClientAddress;
import io.gatehouse.auth.access.IpAllowList;
import io.gatehouse.handler.ErrorReply;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Lets a request reach the cluster only from a client inside its {@code ips}: the socket peer, or the
 * client found behind trusted proxies. Anyone else gets 403 with the JSON error body, before any token
 * is looked at (as nginx's {@code allow}/{@code deny} run before its auth phase).
 */
final class IpAllowHandler implements HttpHandler {
    static final String REFUSAL = "forbidden: the client address is not allowed";

    private final HttpHandler next;
    private final IpAllowList allowed;

    IpAllowHandler(HttpHandler next, IpAllowList allowed) {
        this.next = Objects.requireNonNull(next, "next");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ClientAddress resolved = exchange.getAttachment(ClientAddressHandler.CLIENT);
        InetAddress client;
        if (resolved != null) {
            client = resolved.address();
        } else {
            InetSocketAddress peer = exchange.getSourceAddress();
            client = peer == null ? null : peer.getAddress();
        }
        if (client != null && allowed.allows(client)) {
            next.handleRequest(exchange);
        } else {
            ErrorReply.send(exchange, 403, REFUSAL);
        }
    }
}
