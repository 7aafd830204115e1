package io.gatehouse.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeLimitsTest {

    @Test
    void defaultsAre32KiBHeads8KiBLines100FieldsAndTenSeconds() {
        assertEquals(new EdgeLimits(32768, 8192, 100, Duration.ofSeconds(10)), EdgeLimits.DEFAULTS);
    }

    @Test
    void badLimitsAreRefusedWithTheNameTheValueAndTheExpectedRange() {
        assertEquals("maxRequestLine: 40000 (expected: 1..maxHeaderSize=32768)", assertThrows(IllegalArgumentException.class,
                () -> new EdgeLimits(32768, 40000, 100, Duration.ofSeconds(1))).getMessage());
        assertEquals("maxHeaderSize: 0 (expected: 1..1048576)", assertThrows(IllegalArgumentException.class,
                () -> new EdgeLimits(0, 1, 100, Duration.ofSeconds(1))).getMessage());
        assertEquals("maxHeaders: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> new EdgeLimits(100, 10, 0, Duration.ofSeconds(1))).getMessage());
        assertEquals("headerTimeout: PT0S (expected: > 0 and <= 1 day)", assertThrows(IllegalArgumentException.class,
                () -> EdgeLimits.DEFAULTS.withHeaderTimeout(Duration.ZERO)).getMessage());
    }
}
