package io.gatehouse.handler;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;

/**
 * The client's address as text, worked out once per connection (every request on a connection has the
 * same peer).
 *
 * <p>Behind trusted proxies ({@code [server] trusted_proxies}) the auth module's client address stage
 * finds the client in {@code X-Forwarded-For} and records it with {@link #resolved}; from then on
 * {@link #ip} gives that address, so {@code X-Forwarded-For} towards members, {@code ip_hash} and the
 * request log's {@code client_ip} all use it, while {@link #ipPort} (the log's field 3) stays the socket
 * peer. A connection on which nothing was ever resolved pays one boolean read for this.
 */
public final class ClientAddress {
    private static final AttachmentKey<ClientAddress> KEY = AttachmentKey.create(ClientAddress.class);
    private static final AttachmentKey<String> RESOLVED = AttachmentKey.create(String.class);

    private final String ip;
    private final String ipPort;
    /** Set once a request on this connection had its client resolved: only then is the exchange asked. */
    private volatile boolean anyResolved;

    private ClientAddress(InetSocketAddress address) {
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

    /**
     * The connection's peer, worked out once per connection: a connection's peer never changes, and
     * Gatehouse never overrides an exchange's source address (a client found behind a trusted proxy is
     * recorded by {@link #resolved} instead), so the socket address is not fetched and compared again
     * for every request on a kept-alive connection.
     */
    private static ClientAddress of(HttpServerExchange exchange) {
        ClientAddress known = exchange.getConnection().getAttachment(KEY);
        if (known == null) {
            known = new ClientAddress(exchange.getSourceAddress());
            exchange.getConnection().putAttachment(KEY, known);
        }
        return known;
    }

    /**
     * The client's {@code ip} without port or brackets ({@code 127.0.0.1}, {@code ::1}): the address
     * {@link #resolved} recorded for this exchange, else the socket peer's; null when unknown.
     */
    public static String ip(HttpServerExchange exchange) {
        return of(exchange).clientIp(exchange);
    }

    /**
     * Records that this exchange's client is {@code ip} (no port, no brackets), found behind a trusted
     * proxy; read by {@link #ip} from then on. Only the client address stage calls this.
     */
    public static void resolved(HttpServerExchange exchange, String ip) {
        java.util.Objects.requireNonNull(ip, "ip");
        exchange.putAttachment(RESOLVED, ip);
        of(exchange).anyResolved = true;
    }

    /**
     * The socket peer of {@code exchange}'s connection, for a caller that needs more than one of its
     * forms (the request log): one lookup instead of one per form.
     */
    public static ClientAddress peer(HttpServerExchange exchange) {
        return of(exchange);
    }

    /** This peer's {@code ip:port}, IPv6 in brackets; null when unknown. */
    public String ipPort() {
        return ipPort;
    }

    /** As {@link #ip(HttpServerExchange)}, for {@code exchange} on this peer's connection. */
    public String clientIp(HttpServerExchange exchange) {
        if (anyResolved) {
            String resolved = exchange.getAttachment(RESOLVED);
            if (resolved != null) {
                return resolved;
            }
        }
        return ip;
    }

    /** {@code ip:port} of the socket peer, IPv6 in brackets ({@code [::1]:5000}); null when unknown. */
    public static String ipPort(HttpServerExchange exchange) {
        return of(exchange).ipPort;
    }

    /** {@code ip:port} of any address, IPv6 in brackets; null for null. */
    static String format(InetSocketAddress address) {
        return address == null ? null : new ClientAddress(address).ipPort;
    }
}
