package io.gatehouse.auth.access;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Reads the address forms an operator writes in {@code ips} and {@code trusted_proxies}, and that
 * proxies write in {@code X-Forwarded-For}: dotted-quad IPv4 and IPv6 text, never a host name (so no
 * DNS lookup), a wildcard, a range, a zone id or the short {@code inet_aton} forms such as {@code 10.1}.
 */
final class AddressText {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?:\\d{1,3}(?:\\.\\d{1,3}){3})?");
    /** The longest address text: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
    private static final int MAX_LENGTH = 45;
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    private AddressText() {
    }

    /** One address without a prefix length, or {@code null} if {@code text} is not one. */
    static IPAddress address(String text) {
        if (text.length() > MAX_LENGTH) {
            return null;
        }
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return null;
        }
        IPAddress address = new IPAddressString(text).getAddress();
        return address == null || address.isMultiple() || address.isPrefixed() ? null : address;
    }

    /**
     * An address or {@code address/prefix}, widened to its whole block: {@code 10.1.2.5/24} is
     * {@code 10.1.2.0/24}, as nginx's {@code allow} reads it. {@code null} if {@code text} is neither.
     */
    static IPAddress block(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return address(text);
        }
        String bits = text.substring(slash + 1);
        IPAddress address = address(text.substring(0, slash));
        if (address == null || !PREFIX.matcher(bits).matches()) {
            return null;
        }
        int length = Integer.parseInt(bits);
        if (length > address.getBitCount()) {
            return null;
        }
        return address.setPrefixLength(length, false).toPrefixBlock();
    }

    /** The address as logs show it: dotted quad, or compressed IPv6 without brackets. */
    static String format(InetAddress address) {
        if (address instanceof Inet6Address) {
            return new IPv6Address(address.getAddress()).toCompressedString();
        }
        return address.getHostAddress();
    }
}
