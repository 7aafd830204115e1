package io.gatehouse.server.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules an HTTP/2 request must keep before it goes on to an HTTP/1.1 member, as the request looks
 * once Undertow's HTTP/2 layer has read it (pseudo-headers taken out, {@code Host} set from
 * {@code :authority}).
 */
class Http2RequestRulesTest {

    /** A request as Undertow hands over a clean {@code GET https://a.test/p?q=1} over TLS, plus {@code extra} fields. */
    private static HeaderMap fields(String... extra) {
        HeaderMap m = new HeaderMap();
        m.put(Headers.HOST, "a.test");
        for (int i = 0; i < extra.length; i += 2) {
            m.add(new HttpString(extra[i]), extra[i + 1]);
        }
        return m;
    }

    private static Http2Violation check(HeaderMap fields) {
        return Http2RequestRules.check(Methods.GET, "https", true, "/p", "q=1", fields, true);
    }

    @Test
    void aCleanRequestPasses() {
        assertNull(check(fields("user-agent", "t", "accept", "*/*", "te", "trailers", "x-empty", "")));
    }

    static Stream<Arguments> fieldRules() {
        return Stream.of(
                Arguments.of("connection", "close", Http2Violation.CONNECTION_SPECIFIC_FIELD),
                Arguments.of("keep-alive", "timeout=5", Http2Violation.CONNECTION_SPECIFIC_FIELD),
                Arguments.of("proxy-connection", "keep-alive", Http2Violation.CONNECTION_SPECIFIC_FIELD),
                Arguments.of("transfer-encoding", "chunked", Http2Violation.CONNECTION_SPECIFIC_FIELD),
                Arguments.of("upgrade", "websocket", Http2Violation.CONNECTION_SPECIFIC_FIELD),
                Arguments.of("te", "gzip", Http2Violation.TE_NOT_TRAILERS),
                Arguments.of("te", "trailers, gzip", Http2Violation.TE_NOT_TRAILERS),
                Arguments.of("x-a", "a\rb", Http2Violation.INVALID_FIELD_VALUE),
                Arguments.of("x-a", "a\nb", Http2Violation.INVALID_FIELD_VALUE),
                Arguments.of("x-a", "a\0b", Http2Violation.INVALID_FIELD_VALUE),
                Arguments.of("x-a", "a\u0001b", Http2Violation.INVALID_FIELD_VALUE),
                Arguments.of("x-a", "a\u007fb", Http2Violation.INVALID_FIELD_VALUE),
                Arguments.of("x-a", " v", Http2Violation.FIELD_VALUE_WHITESPACE),
                Arguments.of("x-a", "v\t", Http2Violation.FIELD_VALUE_WHITESPACE),
                Arguments.of("X-A", "v", Http2Violation.INVALID_FIELD_NAME),
                Arguments.of("x:a", "v", Http2Violation.INVALID_FIELD_NAME),
                Arguments.of("x a", "v", Http2Violation.INVALID_FIELD_NAME),
                Arguments.of("x\u0001a", "v", Http2Violation.INVALID_FIELD_NAME),
                Arguments.of(":foo", "v", Http2Violation.UNEXPECTED_PSEUDO_HEADER),
                Arguments.of("content-length", "+0", Http2Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("content-length", "-1", Http2Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("content-length", "0x10", Http2Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("content-length", "1234567890123456789", Http2Violation.INVALID_CONTENT_LENGTH),
                Arguments.of("content-length", "5", Http2Violation.CONTENT_LENGTH_WITHOUT_DATA));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("fieldRules")
    void aFieldAnHttp11MemberCouldMisreadIsRefused(String name, String value, Http2Violation expected) {
        assertEquals(expected, check(fields(name, value)));
    }

    @Test
    void valuesWithObsTextAndInnerWhitespacePass() {
        assertNull(check(fields("x-a", "caf\u00e9 au\tlait", "content-length", "0")));
    }

    @Test
    void twoContentLengthsAreRefusedEvenWhenEqual() {
        assertEquals(Http2Violation.INVALID_CONTENT_LENGTH, check(fields("content-length", "0", "content-length", "0")));
    }

    @Test
    void aContentLengthIsFineWhenDataFollows() {
        assertNull(Http2RequestRules.check(Methods.POST, "https", true, "/p", "", fields("content-length", "5"), false));
    }

    @Test
    void theHostUndertowWritesFromAuthorityIsNotAnUppercaseName() {
        HeaderMap m = new HeaderMap();
        m.put(Headers.HOST, "a.test:8443"); // Undertow's own spelling, "Host"
        assertNull(check(m));
    }

    static Stream<Arguments> pseudoRules() {
        return Stream.of(
                Arguments.of("GET", "/p", "", "https", true, null),
                Arguments.of("OPTIONS", "*", "", "https", true, null),
                Arguments.of("GET", "/a%2Fb", "x=%20", "https", true, null),
                Arguments.of("GET", "*", "", "https", true, Http2Violation.ASTERISK_WITHOUT_OPTIONS),
                Arguments.of("GET", "", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "p", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "http://evil.test/x", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/a b", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/a\rb", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/a#f", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/a%zz", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/p", "a\nb", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/caf\u00e9", "", "https", true, Http2Violation.INVALID_PATH),
                Arguments.of("GET", "/p", "", "http", true, Http2Violation.SCHEME_MISMATCH),
                Arguments.of("GET", "/p", "", "https", false, Http2Violation.SCHEME_MISMATCH),
                Arguments.of("GET", "/p", "", "ftp", false, Http2Violation.SCHEME_MISMATCH),
                Arguments.of("GET", "/p", "", "http", false, null));
    }

    @ParameterizedTest(name = "{0} {1} ? {2} scheme {3} tls {4} -> {5}")
    @MethodSource("pseudoRules")
    void pathAndSchemeMustBeWhatAnHttp11RequestLineCanCarry(String method, String path, String query, String scheme,
                                                          boolean tls, Http2Violation expected) {
        assertEquals(expected, Http2RequestRules.check(new HttpString(method), scheme, tls, path, query, fields(), true));
    }

    static Stream<Arguments> authorities() {
        return Stream.of(
                Arguments.of("a.test", null),
                Arguments.of("a.test:8443", null),
                Arguments.of("[::1]:8443", null),
                Arguments.of("127.0.0.1", null),
                Arguments.of("u@a.test", Http2Violation.INVALID_AUTHORITY),
                Arguments.of("a.test:99999", Http2Violation.INVALID_AUTHORITY),
                Arguments.of("a test", Http2Violation.INVALID_AUTHORITY),
                Arguments.of(" a.test", Http2Violation.FIELD_VALUE_WHITESPACE),
                Arguments.of("", Http2Violation.INVALID_AUTHORITY));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("authorities")
    void theAuthorityMustBeAHostAndPort(String authority, Http2Violation expected) {
        HeaderMap m = new HeaderMap();
        m.put(Headers.HOST, authority);
        assertEquals(expected, check(m));
    }

    static Stream<Arguments> authorityAndHost() {
        return Stream.of(
                Arguments.of("a.test", "a.test", "http", null),
                Arguments.of("a.test", "A.Test.", "http", null),
                Arguments.of("a.test", "a.test:80", "http", null),
                Arguments.of("a.test:443", "a.test", "https", null),
                Arguments.of("[::1]:8443", "[::1]:8443", "https", null),
                Arguments.of("a.test", null, "http", null),
                Arguments.of(null, "a.test", "http", null),
                Arguments.of("a.test", "b.test", "http", Http2Violation.AUTHORITY_HOST_MISMATCH),
                Arguments.of("a.test:8080", "a.test", "http", Http2Violation.AUTHORITY_HOST_MISMATCH),
                Arguments.of("a.test", "a.test:443", "http", Http2Violation.AUTHORITY_HOST_MISMATCH),
                Arguments.of("[::1]", "[::2]", "http", Http2Violation.AUTHORITY_HOST_MISMATCH),
                Arguments.of("a.test", "a.test\r\nx: y", "http", Http2Violation.AUTHORITY_HOST_MISMATCH));
    }

    @ParameterizedTest(name = ":authority {0}, Host {1}, {2} -> {3}")
    @MethodSource("authorityAndHost")
    void authorityAndHostMustNameTheSameHostAndPort(String authority, String host, String scheme, Http2Violation expected) {
        HeaderMap m = new HeaderMap();
        if (authority != null) {
            m.put(new HttpString(":authority"), authority);
        }
        if (host != null) {
            m.put(Headers.HOST, host);
        }
        assertEquals(expected, Http2RequestRules.authorityAndHost(m.get(new HttpString(":authority")), m.get(Headers.HOST), scheme));
    }

    @Test
    void twoAuthoritiesOrTwoHostsDisagreeByThemselves() {
        HeaderMap m = new HeaderMap();
        m.add(new HttpString(":authority"), "a.test");
        m.add(new HttpString(":authority"), "a.test");
        assertEquals(Http2Violation.AUTHORITY_HOST_MISMATCH, Http2RequestRules.authorityAndHost(m.get(new HttpString(":authority")), null, "http"));
        HeaderMap h = new HeaderMap();
        h.add(Headers.HOST, "a.test");
        h.add(Headers.HOST, "b.test");
        assertEquals(Http2Violation.AUTHORITY_HOST_MISMATCH, Http2RequestRules.authorityAndHost(null, h.get(Headers.HOST), "http"));
    }

    @Test
    void aRequestWithoutAuthorityIsRefused() {
        assertEquals(Http2Violation.MISSING_AUTHORITY, check(new HeaderMap()));
    }
}
