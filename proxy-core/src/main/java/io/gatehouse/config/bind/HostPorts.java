package io.gatehouse.config.bind;

import io.gatehouse.config.model.HostPort;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Host names, IP literals and {@code host:port} values, checked without any DNS lookup. IPv6 literals
 * are written in brackets where a port may follow ({@code [::1]:8080}) and are kept in their RFC 5952
 * form ({@code ::1}, lower-case, longest zero run compressed), so that two spellings of one address
 * compare equal. Host names are kept lower-case.
 */
public final class HostPorts {
    /** The addresses that listen on every interface. */
    public static final String ANY_IPV4 = "0.0.0.0";
    public static final String ANY_IPV6 = "::";

    private HostPorts() {
    }

    /**
     * {@code host:port}, {@code host}, {@code [v6]:port} or {@code [v6]}; without a port,
     * {@code defaultPort}. The port must be 1..65535.
     */
    public static HostPort parse(String text, int defaultPort) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new BadValueException("host:port");
        }
        String host;
        String port = null;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new BadValueException("host:port with an IPv6 address in brackets, e.g. [::1]:8080");
            }
            host = ipv6(s.substring(1, close));
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new BadValueException("host:port with an IPv6 address in brackets, e.g. [::1]:8080");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
                throw new BadValueException("host:port; write an IPv6 address in brackets, e.g. [::1]:8080");
            }
            String name = colon < 0 ? s : s.substring(0, colon);
            if (colon >= 0) {
                port = s.substring(colon + 1);
            }
            if (!isHostName(name)) {
                throw new BadValueException("host:port with a host name or IP address, e.g. 10.0.0.1:8080");
            }
            host = name.toLowerCase(Locale.ROOT);
        }
        return new HostPort(host, port == null ? defaultPort : port(port, 1));
    }

    /** A port number in {@code min..65535}. */
    public static int port(String text, int min) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadValueException("a port number " + min + "..65535");
        }
        int p = Integer.parseInt(s);
        if (p < min || p > 65535) {
            throw new BadValueException("a port number " + min + "..65535");
        }
        return p;
    }

    /**
     * A listen address: an IPv4 or IPv6 literal ({@code [::1]} accepted), {@code localhost}, or
     * {@code 0.0.0.0} / {@code ::} for every interface. Returns the canonical form (IPv6 unbracketed).
     */
    public static String listenAddress(String text) {
        String s = text.strip();
        String expected = "an IPv4 or IPv6 address or localhost (0.0.0.0 or :: for every interface)";
        if (s.equalsIgnoreCase("localhost")) {
            return "localhost";
        }
        if (isIpv4(s)) {
            return s;
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            throw new BadValueException(expected);
        }
        try {
            return ipv6(s);
        } catch (BadValueException e) {
            throw new BadValueException(expected);
        }
    }

    /** True for {@code 0.0.0.0} and {@code ::}: addresses that take a port on every interface. */
    public static boolean isWildcard(String host) {
        return ANY_IPV4.equals(host) || ANY_IPV6.equals(host);
    }

    /** A dotted-quad IPv4 literal, each part 0..255 without leading zeros. */
    public static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * A host name (RFC 1123 labels of letters, digits, {@code -}; {@code _} is accepted as container
     * platforms use it) or an IPv4 literal. A name made only of numeric labels must be a valid IPv4.
     */
    public static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        String[] labels = s.split("\\.", -1);
        boolean allNumeric = true;
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean digit = c >= '0' && c <= '9';
                if (!(digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
                    return false;
                }
                allNumeric &= digit;
            }
        }
        return !allNumeric || isIpv4(s);
    }

    /** An IPv6 literal (no brackets, no zone) in RFC 5952 form; an IPv4-mapped address becomes IPv4. */
    static String ipv6(String s) {
        String expected = "an IPv6 address, e.g. [::1]";
        if (s.isEmpty() || s.indexOf(':') < 0) {
            throw new BadValueException(expected);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!(hex || c == ':' || c == '.')) {
                throw new BadValueException(expected);
            }
        }
        InetAddress address;
        try {
            // Only hex digits, ':' and '.', with at least one ':': Java parses this as a literal, no lookup.
            address = InetAddress.getByName(s);
        } catch (UnknownHostException | RuntimeException e) {
            throw new BadValueException(expected);
        }
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        return rfc5952(address.getAddress());
    }

    private static String rfc5952(byte[] bytes) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(words[i]));
        }
        return out.toString();
    }
}
