package io.gatehouse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
        "fe80::abcd:1", "FFFF::1", "1:2:3:4:5:6:1.2.3.4", "::ffff:127.0.0.1", "::1.2.3.4", "1::255.255.255.255",
        "0:0:0:0:0:0:0:0"})
    void rfc3986Ipv6Addresses(String address) {
        assertTrue(HostCheck.ipv6(address, 0, address.length()), address);
        assertNull(HostCheck.problem("[" + address + "]:443"), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::2", "1::2:",
        "12345::1", "g::1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::256.1.1.1",
        "1.2.3.4", "::1.2.3.4:5", "fe80::1%25eth0", "1::2:3:4:5:6:7:8"})
    void notIpv6Addresses(String address) {
        assertFalse(HostCheck.ipv6(address, 0, address.length()), address);
        assertEquals(HostCheck.MALFORMED_IP_LITERAL, HostCheck.problem("[" + address + "]"), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:8080", "www.example.com", "a.com:65535", "a.com:+80", "a%41"})
    void namesAndAddressesPass(String host) {
        assertNull(HostCheck.problem(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.com:0", "a.com:65536", "a.com:", "a.com:x", "a.com:-1", "a.com:99999999999"})
    void badPorts(String host) {
        assertEquals(HostCheck.MALFORMED_PORT, HostCheck.problem(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a%zz", "caf\u00e9", "a\u0100b"})
    void badCharacters(String host) {
        assertEquals(HostCheck.BAD_CHARACTERS, HostCheck.problem(host));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:80", "a.com:8080", "[::1]:8080"})
    void theNameEndsBeforeThePort(String host) {
        assertEquals(host.lastIndexOf(':'), HostCheck.nameEnd(host));
        assertEquals(5, HostCheck.nameEnd("[::1]"));
    }
}
