package io.gatehouse.auth.access;

import inet.ipaddr.IPAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the client a request is from: the socket peer, unless the peer is a trusted proxy, and then the
 * right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy — what nginx's
 * {@code real_ip_header X-Forwarded-For} with {@code real_ip_recursive on} does.
 *
 * <p>The rules, walking {@code X-Forwarded-For} from the right (all its field lines joined in order,
 * split at commas, whitespace trimmed, empty elements skipped):
 * <ul>
 *   <li>A peer that is not trusted is the client; its {@code X-Forwarded-For} is never read, so a
 *       client cannot choose its own address by sending one.</li>
 *   <li>The first address that is not a trusted proxy is the client.</li>
 *   <li>If every address is a trusted proxy, the left-most one is the client.</li>
 *   <li>An element that is not an address ({@code unknown}, {@code _hidden}, a host name, a zone id,
 *       anything else) stops the walk: the client is the last address read before it, a trusted proxy
 *       (the peer if the element is the right-most). Nothing left of such an element is believed, and
 *       the element itself is never used as an address. (nginx falls back to the peer here; Gatehouse
 *       keeps the nearest proxy that a trusted hop vouched for, which is never less trusted.)</li>
 * </ul>
 * Accepted elements: {@code 192.0.2.1}, {@code 192.0.2.1:5678}, {@code 2001:db8::1},
 * {@code [2001:db8::1]}, {@code [2001:db8::1]:5678}; a port is dropped. A bare IPv6 address followed by
 * a port cannot be told from an address, so {@code 2001:db8::1:443} is read as the address it spells.
 */
public final class ClientAddressResolver {
    private static final Pattern IPV4_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]*)](?::(\\d{1,5}))?");

    private final TrustedProxies trusted;

    public ClientAddressResolver(TrustedProxies trusted) {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
    }

    /**
     * The client of a request.
     *
     * @param peer           the socket peer's address
     * @param forwardedFor   the {@code X-Forwarded-For} field lines in the order received (empty if none)
     */
    public ClientAddress resolve(InetAddress peer, List<String> forwardedFor) {
        ClientAddress last = ClientAddress.peer(peer);
        if (!trusted.trusts(peer)) {
            return last;
        }
        for (int line = forwardedFor.size() - 1; line >= 0; line--) {
            String value = forwardedFor.get(line);
            int end = value.length();
            while (end >= 0) {
                int comma = value.lastIndexOf(',', end - 1);
                String element = value.substring(comma + 1, end).strip();
                end = comma;
                if (element.isEmpty()) {
                    continue;
                }
                InetAddress address = parseElement(element);
                if (address == null) {
                    return last;
                }
                last = new ClientAddress(address, AddressText.format(address), true);
                if (!trusted.trusts(address)) {
                    return last;
                }
            }
        }
        return last;
    }

    /** One {@code X-Forwarded-For} element as an address, or {@code null} if it is not one. */
    static InetAddress parseElement(String element) {
        String text = element;
        Matcher bracketed = BRACKETED.matcher(element);
        Matcher v4port = IPV4_PORT.matcher(element);
        if (bracketed.matches()) {
            text = bracketed.group(1);
            if (text.indexOf(':') < 0 || !isPort(bracketed.group(2))) {
                return null;
            }
        } else if (v4port.matches()) {
            text = v4port.group(1);
            if (!isPort(v4port.group(2))) {
                return null;
            }
        }
        IPAddress address = AddressText.address(text);
        if (address == null) {
            return null;
        }
        try {
            // getByAddress reads an IPv4-mapped IPv6 address as the IPv4 address it carries.
            return InetAddress.getByAddress(address.getBytes());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isPort(String digits) {
        return digits == null || Integer.parseInt(digits) <= 65535;
    }
}
