package io.gatehouse.cache.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidationTest {
    private static final EffectiveUri ITEMS = EffectiveUri.of("http", "example.com", "/shop/items?page=1");
    private static final String SELF = "http://example.com/shop/items?page=1";

    /** Each row: rule, method, status, Location, Content-Location, the URIs invalidated. */
    static Stream<Arguments> invalidations() {
        return Stream.of(
                row("§4.4 POST 201 with Location", "POST", 201, "/shop/items/7", null, SELF, "http://example.com/shop/items/7"),
                row("§4.4 PUT 200 with Content-Location", "PUT", 200, null, "/shop/items/7?v=2", SELF,
                        "http://example.com/shop/items/7?v=2"),
                row("§4.4 both", "PATCH", 200, "/a", "/b", SELF, "http://example.com/a", "http://example.com/b"),
                row("§4.4 DELETE 204", "DELETE", 204, null, null, SELF),
                row("§4.4 a 3xx is not an error", "POST", 303, "/shop/done", null, SELF, "http://example.com/shop/done"),
                row("§4.4 an error status invalidates nothing: 404", "POST", 404, "/a", null),
                row("§4.4 an error status invalidates nothing: 500", "DELETE", 500, null, null),
                row("§4.4 a 1xx invalidates nothing", "POST", 100, null, null),
                row("RFC 9110 §9.2.1 GET is safe", "GET", 200, "/a", null),
                row("§9.2.1 HEAD is safe", "HEAD", 200, null, null),
                row("§9.2.1 OPTIONS is safe", "OPTIONS", 200, null, null),
                row("§9.2.1 TRACE is safe", "TRACE", 200, null, null),
                row("§4.4 an unknown method is unsafe", "PURGE", 200, null, null, SELF),
                row("§4.4 another host is not invalidated", "POST", 201, "http://other.example/x", "https://evil.example/", SELF),
                row("§4.4 another scheme is not invalidated", "POST", 201, "https://example.com/x", null, SELF),
                row("§4.4 another port is not invalidated", "POST", 201, "http://example.com:8080/x", null, SELF),
                row("§4.4 the same host in another case", "POST", 201, "HTTP://EXAMPLE.com/x", null, SELF, "http://example.com/x"),
                row("§4.4 the default port written out", "POST", 201, "http://example.com:80/x", null, SELF, "http://example.com/x"),
                row("RFC 3986 §5.2 a relative path", "POST", 201, "7", null, SELF, "http://example.com/shop/7"),
                row("RFC 3986 §5.2 dot segments", "POST", 201, "../cart/./1", null, SELF, "http://example.com/cart/1"),
                row("RFC 3986 §5.2 a query only", "POST", 201, "?page=2", null, SELF, "http://example.com/shop/items?page=2"),
                row("RFC 3986 §5.2 a network-path reference, same host", "POST", 201, "//example.com/y", null, SELF,
                        "http://example.com/y"),
                row("RFC 3986 §5.2 a network-path reference, other host", "POST", 201, "//other.example/y", null, SELF),
                row("a fragment is dropped; the same URI once", "POST", 201, "#top", "/shop/items?page=1", SELF),
                row("not a URI reference", "POST", 201, "http://exa mple.com/", "/%zz", SELF),
                row("not http", "POST", 201, "mailto:a@example.com", "ftp://example.com/x", SELF),
                row("an empty value", "POST", 201, "", "  ", SELF));
    }

    private static Arguments row(String rule, String method, int status, String location, String contentLocation,
            String... expected) {
        return arguments(rule, method, status, location, contentLocation, List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidations")
    void unsafeRequestsInvalidateTheirOwnOriginsUris(String rule, String method, int status, String location,
            String contentLocation, List<String> expected) {
        List<String> targets = Invalidation.targets(method, status, ITEMS, location, contentLocation).stream()
                .map(EffectiveUri::toString).collect(Collectors.toList());
        assertEquals(expected, targets);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "http  | example.com       | /a?b=1 | http://example.com/a?b=1  | 80",
            "HTTPS | Example.COM       | ''     | https://example.com/      | 443",
            "http  | example.com:80    | /      | http://example.com/       | 80",
            "https | example.com:8443  | /x     | https://example.com:8443/x | 8443",
            "http  | [::1]:8080        | /x     | http://[::1]:8080/x       | 8080",
            "http  | [::1]             | /x     | http://[::1]/x            | 80",
            "http  | example.com:      | /x     | http://example.com/x      | 80",
    })
    void effectiveUrisAreNormalised(String scheme, String authority, String target, String uri, int port) {
        EffectiveUri effective = EffectiveUri.of(scheme, authority, target);
        assertEquals(uri, effective.toString());
        assertEquals(port, effective.port());
    }

    @Test
    void pathAndQueryAreSeparated() {
        assertEquals("/shop/items", ITEMS.path());
        assertEquals("page=1", ITEMS.query());
        EffectiveUri bare = EffectiveUri.of("http", "example.com", "/a");
        assertEquals("/a", bare.path());
        assertNull(bare.query());
        assertEquals("", EffectiveUri.of("http", "example.com", "/a?").query());
    }

    @Test
    void sameOriginComparesSchemeHostAndPort() {
        assertTrue(ITEMS.sameOrigin(EffectiveUri.of("HTTP", "EXAMPLE.COM:80", "/other")));
        assertFalse(ITEMS.sameOrigin(EffectiveUri.of("https", "example.com", "/")));
        assertFalse(ITEMS.sameOrigin(EffectiveUri.of("http", "example.com:81", "/")));
        assertFalse(ITEMS.sameOrigin(EffectiveUri.of("http", "www.example.com", "/")));
        assertThrows(IllegalArgumentException.class, () -> EffectiveUri.of("http", "example.com:http", "/"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"GET, true", "HEAD, true", "OPTIONS, true", "TRACE, true", "POST, false", "PUT, false", "DELETE, false",
            "PATCH, false", "get, false"})
    void safeMethodsAreTheFourOfRfc9110(String method, boolean safe) {
        assertEquals(safe, Invalidation.isSafe(method));
    }
}
