package io.gatehouse.auth.chain;

import io.gatehouse.auth.access.ClientAddress;
import io.gatehouse.auth.access.ClientAddressResolver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Finds the client behind the site's trusted proxies ({@code [server] trusted_proxies}): the right-most
 * {@code X-Forwarded-For} address that is not a trusted proxy, when the socket peer is one. The result is
 * what {@code ips}, the {@code X-Forwarded-For} sent to members, {@code ip_hash} and the request log's
 * {@code client_ip} use. A request with no {@code X-Forwarded-For}, or from a peer that is not trusted,
 * keeps the socket peer as its client and nothing is recorded.
 */
final class ClientAddressHandler implements HttpHandler {
    /** The client found behind trusted proxies; absent when the client is the socket peer. */
    static final AttachmentKey<ClientAddress> CLIENT = AttachmentKey.create(ClientAddress.class);

    private final HttpHandler next;
    private final ClientAddressResolver resolver;

    ClientAddressHandler(HttpHandler next, ClientAddressResolver resolver) {
        this.next = Objects.requireNonNull(next, "next");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderValues forwardedFor = exchange.getRequestHeaders().get(Headers.X_FORWARDED_FOR);
        InetSocketAddress peer = exchange.getSourceAddress();
        if (forwardedFor != null && peer != null && peer.getAddress() != null) {
            ClientAddress client = resolver.resolve(peer.getAddress(), forwardedFor);
            if (client.forwarded()) {
                exchange.putAttachment(CLIENT, client);
                io.gatehouse.handler.ClientAddress.resolved(exchange, client.text());
            }
        }
        next.handleRequest(exchange);
    }
}
