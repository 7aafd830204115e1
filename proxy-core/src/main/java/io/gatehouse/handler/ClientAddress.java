package io.gatehouse.handler;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;

/**
 * The client's address as text, worked out once per connection (every request on a connection has the
 * same peer) and again only if a handler replaces the exchange's source address.
 */
public final class ClientAddress {
    private static final AttachmentKey<ClientAddress> KEY = AttachmentKey.create(ClientAddress.class);

    private final InetSocketAddress address;
    private final String ip;
    private final String ipPort;

    private ClientAddress(InetSocketAddress address) {
        this.address = address;
        String text = null;
        if (address != null) {
            text = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
            int zone = text.indexOf('%');
            if (zone >= 0) {
                text = text.substring(0, zone);
            }
        }
        this.ip = text;
        this.ipPort = text == null ? null : (text.indexOf(':') >= 0 ? "[" + text + "]" : text) + ":" + address.getPort();
    }

    private static ClientAddress of(HttpServerExchange exchange) {
        InetSocketAddress source = exchange.getSourceAddress();
        ClientAddress known = exchange.getConnection().getAttachment(KEY);
        if (known == null || !java.util.Objects.equals(known.address, source)) {
            known = new ClientAddress(source);
            exchange.getConnection().putAttachment(KEY, known);
        }
        return known;
    }

    /** {@code ip} without port or brackets ({@code 127.0.0.1}, {@code ::1}); null when unknown. */
    public static String ip(HttpServerExchange exchange) {
        return of(exchange).ip;
    }

    /** {@code ip:port}, IPv6 in brackets ({@code [::1]:5000}); null when unknown. */
    public static String ipPort(HttpServerExchange exchange) {
        return of(exchange).ipPort;
    }

    /** {@code ip:port} of any address, IPv6 in brackets; null for null. */
    static String format(InetSocketAddress address) {
        return address == null ? null : new ClientAddress(address).ipPort;
    }
}
