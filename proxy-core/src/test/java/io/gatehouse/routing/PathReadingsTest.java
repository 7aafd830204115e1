package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A blocked route ({@code /secret}) must not be reachable through a path that Gatehouse routes to
 * {@code /} but a member reads as {@code /secret/...}; a path every reading routes the same goes on.
 */
class PathReadingsTest {
    private final RouteTable<String> routes = RouteTable.<String>builder()
            .add("/", "app")
            .add("/secret", "blocked")
            .add("/api", "api")
            .add("/static/files", "files")
            .build();

    private String conflict(String raw) throws BadPathException {
        RequestPath path = RequestPath.parse(raw);
        RouteTable.Match<String> chosen = routes.match(path.matchPath());
        assertNotNull(chosen, raw);
        return PathReadings.conflict(path, routes, chosen);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/secret%2Ffile.txt", "/secret%2ffile.txt", "/x/..%2Fsecret/file.txt", "/x/..%2fsecret",
            "/api%2Finfo.txt", "/secret%5Cfile.txt", "/secret\\file.txt", "/x\\..\\secret\\file.txt",
            "/x/..%5Csecret/file.txt", "/x/..;/secret/file.txt", "/secret;/file.txt", "/secret;x=1/file.txt",
            "/x/..;jsessionid=1/secret", "/static;v=1/files/a.css", "/x;%2F..%2F..%2Fsecret/f",
            "/x%2F..;/secret/f", "/static%2Ffiles/a.css",
    })
    void aPathThatAMemberReadsAsAnotherRouteIsRefused(String raw) throws BadPathException {
        String why = conflict(raw);
        assertNotNull(why, raw + " must be refused");
        assertTrue(why.contains("another route") || why.contains("above /"), why);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/..;/x", "/a/..%2F..%2Fb", "/a\\..\\..\\b", "/a/..%5C..%5Cb", "/..%2Fsecret"})
    void aPathThatClimbsAboveTheRootUnderAReadingIsRefused(String raw) throws BadPathException {
        String why = conflict(raw);
        assertNotNull(why, raw + " must be refused");
        assertTrue(why.contains("climbs above /"), why);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/api/a%2Fb", "/api/a\\b", "/api/items;v=2", "/api/x;y/z", "/files/a%2Fb%5Cc;d",
            "/secret/x%2F..%2Fy", "/x/y%2F..", "/a;b/c", "/static/files/a;b.css", "/api/..;/api/v1",
    })
    void aPathThatEveryReadingRoutesTheSameGoesOn(String raw) throws BadPathException {
        assertNull(conflict(raw), raw);
    }

    @Test
    void thePlainPathIsNotReadAgain() throws BadPathException {
        RequestPath path = RequestPath.parse("/secret/file.txt");
        assertEquals(0, path.otherReadings());
        assertNull(PathReadings.conflict(path, routes, routes.match("/anything-else")),
                "no alternative separators: nothing to compare");
    }

    @Test
    void theReasonNamesTheReading() throws BadPathException {
        assertTrue(conflict("/secret%2Ffile").contains("%2F as /"), conflict("/secret%2Ffile"));
        assertTrue(conflict("/secret\\file").contains("\\ or %5C as /"), conflict("/secret\\file"));
        assertTrue(conflict("/x/..;/secret").contains("; as the start of path parameters"), conflict("/x/..;/secret"));
    }

    @ParameterizedTest(name = "{0} {1}{2}{3} -> {4}")
    @CsvSource(delimiter = '|', value = {
            "/a%2Fb/c      | true  | false | 0 | /a/b/c",
            "/a%2Fb/c      | false | false | 0 | /a%2Fb/c",
            "/a\\b%5cc     | false | true  | 0 | /a/b/c",
            "/a;x/b;y      | false | false | 1 | /a/b",
            "/a;x%2F..%2Fb | true  | false | 1 | /a",
            "/a;x%2F..%2Fb | true  | false | 2 | /b",
            "/a;x%2Fc/d    | true  | false | 2 | /a/c/d",
            "/x/..;/y      | false | false | 1 | /y",
            "/a%20b;c      | false | false | 2 | /a b",
    })
    void readsAPathAsAMemberWould(String raw, boolean slash, boolean backslash, int parameters, String expected)
            throws BadPathException {
        assertEquals(expected, PathReadings.read(raw, slash, backslash, parameters));
    }

    @Test
    void aReadingAboveTheRootThrows() {
        assertThrows(BadPathException.class, () -> PathReadings.read("/..;/x", false, false, 1));
    }
}
