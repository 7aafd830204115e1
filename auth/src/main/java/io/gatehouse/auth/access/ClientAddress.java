package io.gatehouse.auth.access;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The client a request is from, as {@code ips}, {@code X-Forwarded-For} and {@code ip_hash} see it.
 *
 * @param address    the client's address
 * @param text       the address as logs show it: dotted quad or compressed IPv6, no brackets, no port
 * @param forwarded  true if it was taken from {@code X-Forwarded-For}, false if it is the socket peer
 */
public record ClientAddress(InetAddress address, String text, boolean forwarded) {
    public ClientAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(text, "text");
    }

    /** The socket peer itself as the client. */
    public static ClientAddress peer(InetAddress peer) {
        return new ClientAddress(peer, AddressText.format(peer), false);
    }

    @Override
    public String toString() {
        return text;
    }
}
