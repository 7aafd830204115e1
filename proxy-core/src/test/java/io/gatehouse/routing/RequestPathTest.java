package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathTest {

    @ParameterizedTest(name = "{0} -> forward {1}, match {2}")
    @CsvSource(delimiter = '|', value = {
            // unchanged
            "/                          | /                      | /",
            "/a/b.html                  | /a/b.html              | /a/b.html",
            "/a/b/                      | /a/b/                  | /a/b/",
            "/a/.hidden/..b/b..         | /a/.hidden/..b/b..     | /a/.hidden/..b/b..",
            "/a/...                     | /a/...                 | /a/...",
            // dot-segments (RFC 3986 5.2.4), dots possibly encoded
            "/a/../b                    | /b                     | /b",
            "/a/./b                     | /a/b                   | /a/b",
            "/a/b/..                    | /a/                    | /a/",
            "/a/b/.                     | /a/b/                  | /a/b/",
            "/.                         | /                      | /",
            "/a/..                      | /                      | /",
            "/a/%2e%2e/b                | /b                     | /b",
            "/a/%2E%2E/b                | /b                     | /b",
            "/a/.%2e/b                  | /b                     | /b",
            "/a/%2e./b                  | /b                     | /b",
            "/a/%2e/b                   | /a/b                   | /a/b",
            "/a/b/c/../../d             | /a/d                   | /a/d",
            "/a/%2e%2e%2e/b             | /a/%2e%2e%2e/b         | /a/.../b",
            // other escapes are kept upstream and decoded for matching
            "/a/%2e%2e/b%20c            | /b%20c                 | /b c",
            "/caf%C3%A9/menu            | /caf%C3%A9/menu        | /caf\u00e9/menu",
            "/%E2%82%AC                 | /%E2%82%AC             | /\u20ac",
            "/a%41                      | /a%41                  | /aA",
            "/100%25                    | /100%25                | /100%",
            "/a%2Fb                     | /a%2Fb                 | /a%2Fb",
            "/a%2fb/c                   | /a%2fb/c               | /a%2Fb/c",
            "/%2e%2e%2f%2e%2e%2fetc     | /%2e%2e%2f%2e%2e%2fetc | /..%2F..%2Fetc",
            "/..%2f..%2fetc/passwd      | /..%2f..%2fetc/passwd  | /..%2F..%2Fetc/passwd",
            "/%5c..%5cetc               | /%5c..%5cetc           | /\\..\\etc",
            "/%ff                       | /%ff                   | /\ufffd",
            "/%C0%AE%C0%AE/x            | /%C0%AE%C0%AE/x        | /\ufffd\ufffd\ufffd\ufffd/x",
            // path parameters and backslashes are data to Gatehouse
            "/a;x=1/b                   | /a;x=1/b               | /a;x=1/b",
            "/x/..;/y                   | /x/..;/y               | /x/..;/y",
            "/a\\b                      | /a\\b                  | /a\\b",
            // repeated slashes are merged for matching only
            "//a///b                    | //a///b                | /a/b",
            "//                         | //                     | /",
            "/a//                       | /a//                   | /a/",
            "/a//%62                    | /a//%62                | /a/b",
            "/a//../b                   | /a/b                   | /a/b",
            "//..                       | /                      | /",
    })
    void normalisesDotSegmentsEscapesAndSlashes(String raw, String forward, String match) throws BadPathException {
        RequestPath path = RequestPath.parse(raw);
        assertEquals(forward, path.forwardPath(), "forwardPath");
        assertEquals(match, path.matchPath(), "matchPath");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "''                  | must start with /",
            "a/b                 | must start with /",
            "*                   | must start with /",
            "/..                 | climbs above the root",
            "/../etc/passwd      | climbs above the root",
            "/%2e%2e/x           | climbs above the root",
            "/%2E%2e             | climbs above the root",
            "/a/../..            | climbs above the root",
            "/a/%2e%2e/%2e%2e/x  | climbs above the root",
            "/a/./../../b        | climbs above the root",
            "/a%                 | malformed percent escape",
            "/a%4                | malformed percent escape",
            "/a%zz               | malformed percent escape",
            "/a%%41              | malformed percent escape",
            "/a%+1b              | malformed percent escape",
            "/a%00               | encoded NUL",
            "/a%00.html          | encoded NUL",
    })
    void refusesUnsafePaths(String raw, String reason) {
        BadPathException e = assertThrows(BadPathException.class, () -> RequestPath.parse(raw));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void refusesRawControlCharactersAndNull() {
        assertThrows(BadPathException.class, () -> RequestPath.parse("/a\u0000b"));
        assertThrows(BadPathException.class, () -> RequestPath.parse("/a\tb"));
        assertThrows(BadPathException.class, () -> RequestPath.parse(null));
    }

    @Test
    void encodedControlCharactersAreDataDecodedForMatchingOnly() throws BadPathException {
        // nginx forwards them; only an encoded NUL is refused (below)
        String[][] cases = {
                {"/a%09b", "/a\tb"}, {"/a%0a", "/a\n"}, {"/a%0D%0Aevil", "/a\r\nevil"},
                {"/a%7f%1F", "/a\u007f\u001f"}, {"/a%C2%80", "/a\u0080"}};
        for (String[] c : cases) {
            RequestPath path = RequestPath.parse(c[0]);
            assertEquals(c[0], path.forwardPath(), c[0]);
            assertEquals(c[1], path.matchPath(), c[0]);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/a/b.html                 | 0",
            "/a%20b/%2e%2e/c           | 0",
            "/a%2Fb                    | 1",
            "/a%2fb                    | 1",
            "/a%5Cb                    | 2",
            "/a\\b                     | 2",
            "/a;b                      | 4",
            "/a;b/c%2F%5c              | 7",
            "/a%252F                   | 0",
    })
    void notesTheCharactersAMemberCouldReadAsSeparators(String raw, int readings) throws BadPathException {
        assertEquals(readings, RequestPath.parse(raw).otherReadings());
    }

    @Test
    void aPlainPathIsReturnedAsTheSameStringForBothUses() throws BadPathException {
        String raw = "/api/v1/users/42";
        RequestPath path = RequestPath.parse(raw);
        assertSame(raw, path.forwardPath());
        assertSame(raw, path.matchPath());
    }

    @Test
    void anEscapedPathWithoutDotSegmentsIsForwardedAsTheSameString() throws BadPathException {
        String raw = "/files/a%20b//c";
        assertSame(raw, RequestPath.parse(raw).forwardPath());
    }
}
