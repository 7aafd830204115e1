package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {

    private static final RouteTable<String> TABLE = RouteTable.<String>builder()
            .add("/", "root")
            .add("/catalog", "catalog")
            .add("/catalog/inventory", "inventory")
            .add("/api/v1", "v1")
            .add("/a/b/c/d/e", "deep")
            .add("/caf\u00e9", "cafe")
            .build();

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource({
            "/,                          root,      /",
            "/catalog,                   catalog,   /catalog",
            "/catalog/,                  catalog,   /catalog",
            "/catalog/x,                 catalog,   /catalog",
            "/catalog/x/y.html,          catalog,   /catalog",
            "/catalogue,                 root,      /",
            "/catalogue/x,               root,      /",
            "/catalo,                    root,      /",
            "/catalog/inventory,         inventory, /catalog/inventory",
            "/catalog/inventory/,        inventory, /catalog/inventory",
            "/catalog/inventory/42,      inventory, /catalog/inventory",
            "/catalog/inventoryx,        catalog,   /catalog",
            "/Catalog,                   root,      /",
            "/api,                       root,      /",
            "/api/v1,                    v1,        /api/v1",
            "/api/v1/users/7,            v1,        /api/v1",
            "/api/v2/users,              root,      /",
            "/a/b/c/d,                   root,      /",
            "/a/b/c/d/e,                 deep,      /a/b/c/d/e",
            "/a/b/c/d/e/f/g/h/i/j/k/l/m, deep,      /a/b/c/d/e",
            "/caf\u00e9/menu,            cafe,      /caf\u00e9",
    })
    void longestPrefixOnSegmentBoundariesWins(String path, String value, String prefix) {
        RouteTable.Match<String> match = TABLE.match(path);
        assertEquals(value, match.value());
        assertEquals(prefix, match.prefix());
    }

    @Test
    void withoutRootRouteAnUnmatchedPathHasNoRoute() {
        RouteTable<String> table = RouteTable.<String>builder().add("/catalog", "catalog").build();
        assertNull(table.match("/catalogue"));
        assertNull(table.match("/"));
        assertEquals("catalog", table.match("/catalog/1").value());
    }

    @Test
    void pathsNotStartingWithSlashHaveNoRoute() {
        assertNull(TABLE.match("*"));
        assertNull(TABLE.match(""));
        assertNull(TABLE.match(null));
    }

    @Test
    void theSameMatchObjectIsReturnedForEveryLookup() {
        assertSame(TABLE.match("/catalog/1"), TABLE.match("/catalog/2"));
    }

    @Test
    void aTrailingSlashInTheRoutePathIsTheSameRoute() {
        RouteTable<String> table = RouteTable.<String>builder().add("/static/", "s").build();
        assertEquals("/static", table.match("/static/a.css").prefix());
        assertThrows(IllegalArgumentException.class,
                () -> RouteTable.<String>builder().add("/static/", "s").add("/static", "t"));
    }

    @Test
    void builderRefusesPathsWithoutLeadingSlashOrWithEmptySegments() {
        assertThrows(IllegalArgumentException.class, () -> RouteTable.<String>builder().add("static", "s"));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.<String>builder().add("/a//b", "s"));
    }

    @Test
    void manyRoutesAreAllFoundAndNeighboursStayApart() {
        RouteTable.Builder<Integer> builder = RouteTable.builder();
        for (int i = 0; i < 500; i++) {
            builder.add("/svc" + i, i);
        }
        RouteTable<Integer> table = builder.build();
        for (int i = 0; i < 500; i++) {
            assertEquals(i, table.match("/svc" + i + "/x").value());
        }
        assertNull(table.match("/svc500"));
    }
}
