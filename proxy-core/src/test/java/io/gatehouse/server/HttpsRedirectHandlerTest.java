package io.gatehouse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpsRedirectHandlerTest {

    @ParameterizedTest(name = "Host {1}, target {2}, query {3} on TLS port {0} → {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "8443 | example.test:8080 | /a/b     | x=1&y=2 | https://example.test:8443/a/b?x=1&y=2",
        "443  | example.test      | /        | ''      | https://example.test/",
        "443  | Example.Test:80   | /%2e%2e/ | ''      | https://Example.Test/%2e%2e/",
        "8443 | [::1]:8080        | /v6      | ''      | https://[::1]:8443/v6",
        "8443 | NULL              | /no-host | ''      | https://127.0.0.1:8443/no-host",
        "8443 | ''                | /empty   | ''      | https://127.0.0.1:8443/empty",
        "8443 | a.test            | http://other.test:81/abs | q=1 | https://a.test:8443/abs?q=1",
        "8443 | a.test            | http://other.test | ''  | https://a.test:8443/",
    })
    void theLocationIsTheSameHostPathAndQueryOverHttps(int tlsPort, String host, String target, String query, String location) {
        assertEquals(location, new HttpsRedirectHandler("127.0.0.1", tlsPort).location(host, target, query));
    }

    @ParameterizedTest(name = "an IPv6 listener address {0} is bracketed")
    @CsvSource({"::1, https://[::1]:8443/", "[::1], https://[::1]:8443/"})
    void aRequestWithoutHostGoesToTheListenersAddress(String listener, String location) {
        assertEquals(location, new HttpsRedirectHandler(listener, 8443).location(null, "/", ""));
    }
}
