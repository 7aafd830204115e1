package io.gatehouse.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniReader;
import io.gatehouse.config.source.IniSection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The unit tables and address forms every key shares: durations, sizes, booleans, host:port. */
class ValueParsersTest {
    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"10, 10000", "0, 0", "30s, 30000", "500ms, 500", "2m, 120000", "1h, 3600000", "7d, 604800000",
        "' 15 ', 15000"})
    void readsPlainIntegersAsSecondsAndHonoursUnits(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "1.5", "1.5s", "-1", "+1", "10 s", "10S", "1w", "s", "1000000000000000"})
    void refusesDurationsThatAreNotWholeNumbersWithAKnownUnit(String text) {
        assertThrows(BadValueException.class, () -> Durations.parse(text));
    }

    @Test
    void formatsDurationsTheWayOperatorsWriteThem() {
        assertEquals("1s", Durations.format(Duration.ofSeconds(1)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        assertEquals("3h", Durations.format(Duration.ofHours(3)));
        assertEquals("1d", Durations.format(Duration.ofDays(1)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"0, 0", "8192, 8192", "32k, 32768", "32K, 32768", "1m, 1048576", "2g, 2147483648"})
    void readsSizesInBytesWithBinaryUnits(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "1.5k", "-1", "64kb", "1t", "k", "999999999999999g"})
    void refusesSizesThatAreNotWholeNumbersWithAKnownUnit(String text) {
        assertThrows(BadValueException.class, () -> Sizes.parse(text));
    }

    @Test
    void formatsSizesTheWayOperatorsWriteThem() {
        assertEquals("1k", Sizes.format(1024));
        assertEquals("1m", Sizes.format(1024 * 1024));
        assertEquals("1000", Sizes.format(1000));
    }

    @ParameterizedTest(name = "{0} -> {1}:{2}")
    @CsvSource({"10.0.0.1:5000, 10.0.0.1, 5000", "10.0.0.1, 10.0.0.1, 80", "App.Internal:81, app.internal, 81",
        "'[::1]:8080', ::1, 8080", "'[::1]', ::1, 80", "'[2001:DB8:0:0:0:0:0:1]:9', 2001:db8::1, 9",
        "'[::ffff:10.0.0.1]:7', 10.0.0.1, 7", "my_service:8000, my_service, 8000"})
    void readsHostPortsInEveryForm(String text, String host, int port) {
        assertEquals(new HostPort(host, port), HostPorts.parse(text, 80));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", ":80", "host:", "host:0", "host:65536", "host:http", "::1", "::1:80", "[::1", "[::1]x",
        "[nothex]:80", "[fe80::1%eth0]:80", "bad host:80", "-a.com:80", "a..com", "999.1.1.1", "1.2.3:80", "a.com.:80"})
    void refusesMalformedHostPorts(String text) {
        assertThrows(BadValueException.class, () -> HostPorts.parse(text, 80));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"127.0.0.1, 127.0.0.1", "0.0.0.0, 0.0.0.0", "::, ::", "'[::1]', ::1", "LOCALHOST, localhost",
        "0:0:0:0:0:0:0:0, ::", "fe80:0:0:0:1:0:0:1, fe80::1:0:0:1", "1:0:0:2:0:0:0:3, 1:0:0:2::3"})
    void readsListenAddressesInCanonicalForm(String text, String canonical) {
        assertEquals(canonical, HostPorts.listenAddress(text));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "*", "example.com", "256.0.0.1", "01.2.3.4", "1.2.3", "[::1", ":::"})
    void refusesListenAddressesThatAreNotLiterals(String text) {
        assertThrows(BadValueException.class, () -> HostPorts.listenAddress(text));
    }

    @Test
    void knowsWhichAddressesAreWildcards() {
        assertTrue(HostPorts.isWildcard("0.0.0.0"));
        assertTrue(HostPorts.isWildcard("::"));
        assertFalse(HostPorts.isWildcard("127.0.0.1"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"yes, true", "no, false", "on, true", "off, false", "true, true", "false, false", "YES, true",
        "1, true", "0, false"})
    void readsBooleansAsSkitaiAndConfigparserDo(String text, boolean expected) {
        Problems problems = new Problems();
        KeyValues kv = keyValues("[ssl]\nenable_ssl = " + text + "\n", problems);

        assertEquals(expected, kv.bool("enable_ssl", !expected));
        assertFalse(problems.hasErrors());
    }

    @Test
    void givesTheDefaultAndAProblemForAValueThatDoesNotParse() {
        Problems problems = new Problems();
        KeyValues kv = keyValues("[ssl]\nenable_ssl = sure\n", problems);

        assertFalse(kv.bool("enable_ssl", false));
        assertEquals(List.of("a.conf:2: [ssl] enable_ssl must be yes or no, got \"sure\""),
                problems.sorted().stream().map(Object::toString).toList());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"300 | 300 |", "0 | | [ssl] redirect_http must be 1..86400, got 0",
        "-5 | | [ssl] redirect_http must be 1..86400, got -5", "86401 | | [ssl] redirect_http must be 1..86400, got 86401",
        "1e3 | | [ssl] redirect_http must be 1..86400, got \"1e3\"", "- | | [ssl] redirect_http must be 1..86400, got \"-\"",
        "+5 | | [ssl] redirect_http must be 1..86400, got \"+5\"",
        "1234567890123456789 | | [ssl] redirect_http must be 1..86400, got \"1234567890123456789\"",
        "٣ | | [ssl] redirect_http must be 1..86400, got \"٣\""})
    void readsAWholeNumberInItsRangeAndSaysTheRangeOtherwise(String text, Integer expected, String problem) {
        Problems problems = new Problems();
        KeyValues kv = keyValues("[ssl]\nredirect_http = " + text + "\n", problems);

        assertEquals(expected == null ? 7 : expected, kv.integer("redirect_http", 1, 86_400, 7));
        assertEquals(problem == null ? List.of() : List.of("a.conf:2: " + problem),
                problems.sorted().stream().map(Object::toString).toList());
    }

    @Test
    void aWholeNumberWithoutAnUpperBoundSaysItsLowerOne() {
        Problems problems = new Problems();
        KeyValues kv = keyValues("[ssl]\nredirect_http = x\n", problems);

        assertEquals(3, kv.longInRange("redirect_http", 2, Long.MAX_VALUE, 3));
        assertEquals(List.of("a.conf:2: [ssl] redirect_http must be a whole number >= 2, got \"x\""),
                problems.sorted().stream().map(Object::toString).toList());
    }

    private static KeyValues keyValues(String text, Problems problems) {
        IniSection section = IniReader.read("a.conf", text, problems::error).sections().get(0);
        return new KeyValues(section, "[ssl]", SslSectionBinder.KEYS, new EnvSubstitution(Map.of()), problems);
    }
}
