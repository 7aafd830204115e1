package io.gatehouse.auth.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ClientAddressResolverTest {
    private static final ClientAddressResolver RESOLVER = new ClientAddressResolver(TrustedProxies.parse(
            List.of("10.0.0.0/8", "2001:db8:ffff::/48", "127.0.0.1")).proxies());

    static Stream<Arguments> cases() {
        return Stream.of(
                // peer, X-Forwarded-For lines ("|" separates lines), expected client, from the header?
                Arguments.of("203.0.113.9", "", "203.0.113.9", false),
                Arguments.of("203.0.113.9", "1.2.3.4", "203.0.113.9", false),
                Arguments.of("203.0.113.9", "10.0.0.1, 1.2.3.4", "203.0.113.9", false),
                Arguments.of("10.0.0.1", "", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "198.51.100.7", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "1.1.1.1, 198.51.100.7", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "1.1.1.1, 198.51.100.7, 10.0.0.2, 10.9.9.9", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3", true),
                Arguments.of("10.0.0.1", "6.6.6.6|198.51.100.7, 10.0.0.2", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "6.6.6.6, 198.51.100.7|10.0.0.2", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "10.0.0.5|10.0.0.2", "10.0.0.5", true),
                Arguments.of("10.0.0.1", "1.1.1.1, unknown", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "1.1.1.1, unknown, 10.0.0.2", "10.0.0.2", true),
                Arguments.of("10.0.0.1", "unknown, 198.51.100.7", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "1.1.1.1, evil.example, 10.0.0.2", "10.0.0.2", true),
                Arguments.of("10.0.0.1", "1.1.1.1, 10.0.0.300", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "1.1.1.1, _hidden", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "1.1.1.1, 10.0.0.0/8", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "1.1.1.1, 10.1", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "1.1.1.1, fe80::1%eth0", "10.0.0.1", false),
                Arguments.of("10.0.0.1", " 198.51.100.7 ,, ", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "198.51.100.7:5678", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "2001:db8::7", "2001:db8::7", true),
                Arguments.of("10.0.0.1", "[2001:db8::7]", "2001:db8::7", true),
                Arguments.of("10.0.0.1", "[2001:db8::7]:443", "2001:db8::7", true),
                Arguments.of("10.0.0.1", "2001:db8::7, [2001:db8:ffff::1]:80", "2001:db8::7", true),
                Arguments.of("10.0.0.1", "2001:DB8:0:0:0:0:0:7", "2001:db8::7", true),
                Arguments.of("10.0.0.1", "[198.51.100.7]", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "[2001:db8::7", "10.0.0.1", false),
                Arguments.of("10.0.0.1", "::ffff:198.51.100.7", "198.51.100.7", true),
                Arguments.of("10.0.0.1", "1.1.1.1, ::ffff:10.0.0.2", "1.1.1.1", true),
                Arguments.of("2001:db8:ffff::9", "198.51.100.7", "198.51.100.7", true),
                Arguments.of("2001:db8:1::9", "198.51.100.7", "2001:db8:1::9", false),
                Arguments.of("::ffff:10.0.0.1", "198.51.100.7", "198.51.100.7", true));
    }

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}] -> {2}")
    @MethodSource("cases")
    void theClientIsTheRightMostAddressNotATrustedProxy(String peer, String lines, String client, boolean forwarded)
            throws Exception {
        List<String> header = lines.isEmpty() ? List.of() : Arrays.asList(lines.split("\\|", -1));
        ClientAddress resolved = RESOLVER.resolve(InetAddress.getByName(peer), header);
        assertEquals(client, resolved.text());
        assertEquals(InetAddress.getByName(client), resolved.address());
        assertEquals(forwarded, resolved.forwarded());
    }

    @Test
    void withNoTrustedProxiesASpoofedHeaderIsNeverRead() throws Exception {
        ClientAddressResolver none = new ClientAddressResolver(TrustedProxies.NONE);
        ClientAddress resolved = none.resolve(InetAddress.getByName("127.0.0.1"), List.of("1.2.3.4"));
        assertEquals("127.0.0.1", resolved.text());
        assertEquals(false, resolved.forwarded());
    }

    @Test
    void badTrustedProxyEntriesAreProblemsUnderTheirOwnKey() {
        TrustedProxies.Parsed parsed = TrustedProxies.parse(List.of("10.0.0.0/8", "proxy.internal"));
        assertEquals(List.of("trusted_proxies: proxy.internal is not an IPv4 or IPv6 address or CIDR block"),
                parsed.problems());
    }

    @ParameterizedTest(name = "[{0}] is not an address")
    @CsvSource({"unknown", "''", "localhost", "1.2.3.4:99999", "1.2.3.4:", "[::1]x", "::1]", "1.2.3.4.5", "0x0a.0.0.1"})
    void elementsThatAreNotAddressesAreRefused(String element) {
        assertNull(ClientAddressResolver.parseElement(element));
    }
}
