package io.gatehouse.cache.policy;

import static io.gatehouse.cache.policy.Heads.T0;
import static io.gatehouse.cache.policy.Heads.at;
import static io.gatehouse.cache.policy.Heads.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StorabilityTest {
    private static final FieldList PLAIN_REQUEST = h("Host: example.com");
    private static final FieldList AUTHORIZED = h("Host: example.com", "Authorization: Bearer abc");
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final String STORED = "storable";

    /** Each row: rule, method, status, request fields, response fields, cache_valid, expected reason. */
    static Stream<Arguments> decisions() {
        return Stream.of(
                row("§3 GET 200 with max-age", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null, STORED),
                row("§3 HEAD is never stored by itself", "HEAD", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null,
                        "method HEAD (only GET responses are stored)"),
                row("§3 POST is not stored", "POST", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null,
                        "method POST (only GET responses are stored)"),
                row("methods are case-sensitive", "get", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null,
                        "method get (only GET responses are stored)"),
                row("§5.2.1.5 request no-store", "GET", 200, h("Cache-Control: no-store"), h("Cache-Control: max-age=60"), null,
                        "request Cache-Control: no-store"),
                row("§5.2.2.5 response no-store", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60, no-store"), null,
                        "Cache-Control: no-store"),
                row("§5.2.2.5 response no-store, any case", "GET", 200, PLAIN_REQUEST, h("cache-control: NO-STORE"), null,
                        "Cache-Control: no-store"),
                row("§5.2.2.5 no-store beats cache_valid", "GET", 200, PLAIN_REQUEST, h("Cache-Control: no-store"), TEN_MINUTES,
                        "Cache-Control: no-store"),
                row("§3 a 1xx is not final", "GET", 103, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null,
                        "status 103 is not a final status"),
                row("206 is not stored by this cache", "GET", 206, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null,
                        "status 206 is not stored"),
                row("§4.3.4 a 304 only updates", "GET", 304, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null,
                        "status 304 is not stored"),
                row("§5.2.2.3 must-understand with an understood status ignores no-store",
                        "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60, no-store, must-understand"), null, STORED),
                row("§5.2.2.3 must-understand with another status is not stored",
                        "GET", 299, PLAIN_REQUEST, h("Cache-Control: max-age=60, no-store, must-understand"), null,
                        "Cache-Control: must-understand with status 299"),
                row("§5.2.2.7 private", "GET", 200, PLAIN_REQUEST, h("Cache-Control: private, max-age=60"), null,
                        "Cache-Control: private"),
                row("§5.2.2.7 private beats cache_valid", "GET", 200, PLAIN_REQUEST, h("Cache-Control: private"), TEN_MINUTES,
                        "Cache-Control: private"),
                row("§5.2.2.7 private with field names is stored without them",
                        "GET", 200, PLAIN_REQUEST, h("Cache-Control: private=\"X-User\", max-age=60", "X-User: ann"), null, STORED),
                row("private naming a field the entry depends on",
                        "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60, private=\"Vary\"", "Vary: Cookie"), null,
                        "Cache-Control: private or no-cache names vary"),
                row("no-cache naming Cache-Control", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60, no-cache=cache-control"),
                        null, "Cache-Control: private or no-cache names cache-control"),
                row("§3.5 Authorization without a shared permission", "GET", 200, AUTHORIZED, h("Cache-Control: max-age=60"), null,
                        "request has Authorization and the response has no public, s-maxage or must-revalidate"),
                row("§3.5 Authorization without a shared permission, cache_valid", "GET", 200, AUTHORIZED, h(), TEN_MINUTES,
                        "request has Authorization and the response has no public, s-maxage or must-revalidate"),
                row("§3.5 Authorization with public", "GET", 200, AUTHORIZED, h("Cache-Control: public, max-age=60"), null, STORED),
                row("§3.5 Authorization with s-maxage", "GET", 200, AUTHORIZED, h("Cache-Control: s-maxage=60"), null, STORED),
                row("§3.5 Authorization with must-revalidate", "GET", 200, AUTHORIZED,
                        h("Cache-Control: max-age=60, must-revalidate"), null, STORED),
                row("Set-Cookie with max-age alone", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60", "Set-Cookie: s=1"), null,
                        "Set-Cookie without public or s-maxage"),
                row("Set-Cookie with cache_valid alone", "GET", 200, PLAIN_REQUEST, h("Set-Cookie: s=1"), TEN_MINUTES,
                        "Set-Cookie without public or s-maxage"),
                row("Set-Cookie with public", "GET", 200, PLAIN_REQUEST, h("Cache-Control: public, max-age=60", "Set-Cookie: s=1"), null,
                        STORED),
                row("Set-Cookie with s-maxage", "GET", 200, PLAIN_REQUEST, h("Cache-Control: s-maxage=60", "set-cookie: s=1"), null,
                        STORED),
                row("Set-Cookie named by private", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=60, private=\"Set-Cookie\"", "Set-Cookie: s=1"), null, STORED),
                row("Set-Cookie named by no-cache", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=60, no-cache=Set-Cookie", "Set-Cookie: s=1"), null, STORED),
                row("§4.1 Vary: *", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60", "Vary: *"), null,
                        "Vary: * (or a Vary element that is not a field name)"),
                row("§4.1 Vary with * among names", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60", "Vary: Accept, *"), null,
                        "Vary: * (or a Vary element that is not a field name)"),
                row("§4.1 Vary with something that is not a name", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=60", "Vary: Accept Encoding"), null,
                        "Vary: * (or a Vary element that is not a field name)"),
                row("§4.1 Vary with names", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=60", "Vary: Accept-Encoding"), null,
                        STORED),
                row("§3 302 without explicit freshness", "GET", 302, PLAIN_REQUEST, h("ETag: \"a\""), null,
                        "status 302 without max-age, s-maxage, Expires or public"),
                row("§3 cache_valid does not make a 302 storable", "GET", 302, PLAIN_REQUEST, h(), TEN_MINUTES,
                        "status 302 without max-age, s-maxage, Expires or public"),
                row("§3 302 with max-age", "GET", 302, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null, STORED),
                row("§3 302 with Expires", "GET", 302, PLAIN_REQUEST, h("Date: " + at(0), "Expires: " + at(60)), null, STORED),
                row("§3 307 with s-maxage", "GET", 307, PLAIN_REQUEST, h("Cache-Control: s-maxage=60"), null, STORED),
                row("§3 302 with public and a validator", "GET", 302, PLAIN_REQUEST, h("Cache-Control: public", "ETag: \"a\""), null,
                        STORED),
                row("§3 500 with max-age", "GET", 500, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null, STORED),
                row("§3 500 without", "GET", 500, PLAIN_REQUEST, h("Last-Modified: " + at(-1000)), null,
                        "status 500 without max-age, s-maxage, Expires or public"),
                row("§3 204 with max-age", "GET", 204, PLAIN_REQUEST, h("Cache-Control: max-age=60"), null, STORED),
                row("§3 404, heuristic", "GET", 404, PLAIN_REQUEST, h("Last-Modified: " + at(-1000)), null, STORED),
                row("nothing to go on: no freshness, no validator", "GET", 200, PLAIN_REQUEST, h("Content-Type: text/plain"), null,
                        "no freshness lifetime and no ETag or Last-Modified"),
                row("cache_valid gives a lifetime to a response without any", "GET", 200, PLAIN_REQUEST,
                        h("Content-Type: text/plain"), TEN_MINUTES, STORED),
                row("§4.2.2 Last-Modified gives a heuristic", "GET", 200, PLAIN_REQUEST, h("Last-Modified: " + at(-1000)), null, STORED),
                row("an ETag alone: stored, revalidated on every use", "GET", 200, PLAIN_REQUEST, h("ETag: \"a\""), null, STORED),
                row("max-age=0 and no validator", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=0"), null,
                        "no freshness lifetime and no ETag or Last-Modified"),
                row("max-age=0 and no validator, cache_valid does not override", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=0"), TEN_MINUTES, "no freshness lifetime and no ETag or Last-Modified"),
                row("max-age=0 with an ETag", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=0", "ETag: \"a\""), null, STORED),
                row("a malformed ETag is no validator", "GET", 200, PLAIN_REQUEST, h("Cache-Control: max-age=0", "ETag: a"), null,
                        "no freshness lifetime and no ETag or Last-Modified"),
                row("RFC 5861 max-age=0 with stale-while-revalidate", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=0, stale-while-revalidate=30"), null, STORED),
                row("RFC 5861 max-age=0 with stale-if-error", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=0, stale-if-error=30"), null, STORED),
                row("max-age=0, must-revalidate, stale-if-error: never usable", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: max-age=0, must-revalidate, stale-if-error=30"), null,
                        "no freshness lifetime and no ETag or Last-Modified"),
                row("§5.3 an invalid Expires and no validator", "GET", 200, PLAIN_REQUEST, h("Expires: 0"), null,
                        "no freshness lifetime and no ETag or Last-Modified"),
                row("§5.3 an invalid Expires with a validator", "GET", 200, PLAIN_REQUEST, h("Expires: 0", "ETag: \"a\""), null, STORED),
                row("§5.2.2.4 no-cache with a validator", "GET", 200, PLAIN_REQUEST, h("Cache-Control: no-cache", "ETag: \"a\""), null,
                        STORED),
                row("§5.2.2.4 no-cache without a validator", "GET", 200, PLAIN_REQUEST, h("Cache-Control: no-cache, max-age=60"), null,
                        "Cache-Control: no-cache and no ETag or Last-Modified"),
                row("§5.2.2.4 no-cache with field names needs nothing more", "GET", 200, PLAIN_REQUEST,
                        h("Cache-Control: no-cache=\"X-Debug\", max-age=60"), null, STORED),
                row("request no-cache does not stop storing", "GET", 200, h("Cache-Control: no-cache"),
                        h("Cache-Control: max-age=60"), null, STORED),
                row("request Pragma does not stop storing", "GET", 200, h("Pragma: no-cache"),
                        h("Cache-Control: max-age=60"), null, STORED));
    }

    private static Arguments row(String rule, String method, int status, FieldList request, FieldList response,
            Duration cacheValid, String reason) {
        return arguments(rule, method, status, request, response, cacheValid, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void storesOnlyWhatSection3Allows(String rule, String method, int status, FieldList request, FieldList response,
            Duration cacheValid, String reason) {
        Storability decision = Storability.decide(method, status, request, response, T0, cacheValid);
        assertEquals(reason, decision.reason());
        assertEquals(reason.equals(STORED), decision.storable());
    }

    /** Each row: rule, response fields, the fields stored. */
    static Stream<Arguments> storedFields() {
        return Stream.of(
                arguments("§3.1 hop-by-hop fields are dropped, the rest kept in order",
                        h("Connection: close, X-Conn", "Keep-Alive: timeout=5", "Content-Type: text/plain", "TE: trailers",
                                "Transfer-Encoding: chunked", "Upgrade: h2c", "Proxy-Authenticate: Basic",
                                "Proxy-Connection: keep-alive", "Trailer: X-T", "Proxy-Authorization: x", "X-Conn: 1",
                                "ETag: \"a\"", "Age: 5"),
                        h("Content-Type: text/plain", "ETag: \"a\"", "Age: 5")),
                arguments("§3.1 fields named by Connection, any case, on several lines",
                        h("Connection: x-a", "connection: X-B", "X-A: 1", "x-b: 2", "X-C: 3"), h("X-C: 3")),
                arguments("Set-Cookie is never stored",
                        h("Cache-Control: public", "Set-Cookie: a=1", "set-cookie: b=2", "Set-Cookie2: c=3", "Vary: Accept"),
                        h("Cache-Control: public", "Vary: Accept")),
                arguments("§5.2.2.4 fields named by no-cache",
                        h("Cache-Control: max-age=60, no-cache=\"X-Debug\"", "X-Debug: 1", "Date: " + at(0)),
                        h("Cache-Control: max-age=60, no-cache=\"X-Debug\"", "Date: " + at(0))),
                arguments("§5.2.2.7 fields named by private, any case",
                        h("Cache-Control: private=\"x-user, X-Tenant\"", "X-User: ann", "X-Tenant: t", "Expires: " + at(60)),
                        h("Cache-Control: private=\"x-user, X-Tenant\"", "Expires: " + at(60))),
                arguments("nothing to drop", h("Cache-Control: max-age=60", "ETag: \"a\""), h("Cache-Control: max-age=60", "ETag: \"a\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storedFields")
    void storedFieldsDropWhatMustNotBeKept(String rule, FieldList response, FieldList expected) {
        assertEquals(expected, Storability.storedFields(response));
    }
}
