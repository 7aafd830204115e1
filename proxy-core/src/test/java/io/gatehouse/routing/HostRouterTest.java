package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.HostPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostRouterTest {

    /** The precedence table: each host below names the group that must answer it. */
    private static final HostRouter<String> ROUTER = HostRouter.<String>builder()
            .add(HostPattern.parse("www.a.com"), "exact-www")
            .add(HostPattern.parse("a.com"), "exact-a")
            .add(HostPattern.parse(".a.com"), "dot-a")
            .add(HostPattern.parse(".api.a.com"), "dot-api")
            .add(HostPattern.parse("*.b.com"), "star-b")
            .add(HostPattern.parse("*.x.b.com"), "star-x-b")
            .add(HostPattern.parse(".c.com"), "dot-c")
            .add(HostPattern.parse("[::1]"), "loopback6")
            .add(HostPattern.parse("127.0.0.1"), "loopback4")
            .defaultValue("default")
            .build();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // exact beats every suffix
            "www.a.com,        exact-www",
            "a.com,            exact-a",
            // .a.com takes the subdomains a.com's exact entry does not
            "x.a.com,          dot-a",
            "deep.x.a.com,     dot-a",
            // the longer suffix wins
            "api.a.com,        dot-api",
            "v1.api.a.com,     dot-api",
            // .c.com also takes c.com itself
            "c.com,            dot-c",
            "x.c.com,          dot-c",
            // *.b.com takes subdomains at any depth, never b.com itself
            "y.x.b.com,        star-x-b",
            "y.b.com,          star-b",
            "z.y.b.com,        star-b",
            "b.com,            default",
            "x.b.com,          star-b",
            "q.x.b.com,        star-x-b",
            // no near misses
            "aa.com,           default",
            "xa.com,           default",
            "com,              default",
            "unknown.org,      default",
            // case-insensitive
            "WWW.A.COM,        exact-www",
            "X.A.Com,          dot-a",
            // addresses
            "[::1],            loopback6",
            "127.0.0.1,        loopback4",
    })
    void resolvesByExactNameThenLongestSuffixThenDefault(String host, String expected) {
        assertEquals(expected, ROUTER.resolve(host));
    }

    @Test
    void hostHeaderAndRouterTogetherIgnorePortCaseAndTrailingDot() {
        assertEquals("exact-www", ROUTER.resolve(HostHeader.hostName("WWW.a.com.:8443")));
        assertEquals("loopback6", ROUTER.resolve(HostHeader.hostName("[::1]:8080")));
        assertEquals("dot-api", ROUTER.resolve(HostHeader.hostName("V2.Api.A.com:80")));
    }

    @Test
    void missingHostGetsTheDefault() {
        assertEquals("default", ROUTER.resolve(null));
        assertEquals("default", ROUTER.resolve(""));
    }

    @Test
    void withoutDefaultAnUnknownHostResolvesToNothing() {
        HostRouter<String> router = HostRouter.<String>builder().add(HostPattern.parse("a.com"), "a").build();
        assertNull(router.resolve("b.com"));
        assertNull(router.resolve(null));
    }

    @Test
    void builderRefusesTheSamePatternTwice() {
        HostRouter.Builder<String> builder = HostRouter.<String>builder().add(HostPattern.parse("A.com"), "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.add(HostPattern.parse("a.COM"), "2"));
        assertTrue(e.getMessage().contains("a.com"), e.getMessage());
        builder.add(HostPattern.parse(".a.com"), "3");
        assertThrows(IllegalArgumentException.class, () -> builder.add(HostPattern.parse(".a.com"), "4"));
    }

    @Test
    void builderRefusesDotAndStarSuffixClaimingTheSameSubdomains() {
        HostRouter.Builder<String> builder = HostRouter.<String>builder().add(HostPattern.parse("*.a.com"), "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder.add(HostPattern.parse(".a.com"), "2"));
        assertTrue(e.getMessage().contains("*.a.com"), e.getMessage());
    }

    @Test
    void builderRefusesASecondDefault() {
        HostRouter.Builder<String> builder = HostRouter.<String>builder().defaultValue("1");
        assertThrows(IllegalArgumentException.class, () -> builder.defaultValue("2"));
    }
}
