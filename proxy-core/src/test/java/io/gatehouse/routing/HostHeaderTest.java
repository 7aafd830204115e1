package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostHeaderTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "example.com            | example.com",
            "Example.COM            | example.com",
            "example.com:8080       | example.com",
            "example.com:           | example.com",
            "example.com.           | example.com",
            "WWW.Example.com.:443   | www.example.com",
            "127.0.0.1              | 127.0.0.1",
            "127.0.0.1:5000         | 127.0.0.1",
            "[::1]                  | [::1]",
            "[::1]:8080             | [::1]",
            "[2001:DB8::1]:443      | [2001:db8::1]",
            "[::ffff:10.0.0.1]      | [::ffff:10.0.0.1]",
            "my_host.internal       | my_host.internal",
            "'  spaced.example  '   | spaced.example",
    })
    void hostNameIsLowerCasedWithoutPortOrTrailingDot(String header, String expected) {
        assertEquals(expected, HostHeader.hostName(header));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "", "   ", ":8080", ".", "..", ".example.com", "a..b", "::1", "[::1", "[]", "[::1]x", "[::1]:x",
            "[zz::1]", "[1.2.3.4]", "host:99999", "host:8080:1", "host:12a", "exa mple.com", "a/b", "user@host",
            "host\u0000", "h\u00e9.example",
    })
    void invalidHostHeadersGiveNoHost(String header) {
        assertNull(HostHeader.hostName(header));
    }

    @Test
    void missingHostHeaderGivesNoHost() {
        assertNull(HostHeader.hostName(null));
    }

    @Test
    void aLowerCaseHeaderWithoutPortIsReturnedWithoutCopying() {
        String header = "api.example.com";
        assertEquals(header, HostHeader.hostName(header));
        org.junit.jupiter.api.Assertions.assertSame(header, HostHeader.hostName(header));
    }
}
