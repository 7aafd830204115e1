package io.gatehouse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.model.ProxyPassSpec;
import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The start's warning when the response cache's memory tier would take more than half of the heap. */
class HeapWarningTest {
    private static ProxyPassSpec memoryTier(long mb) {
        return new ProxyPassSpec(new SourcePos("conf.d/cache.conf", 1), mb, 0, Path.of("cache"),
                new SourcePos("conf.d/cache.conf", 1), ProxyPassSpec.DEFAULT_CACHE_MAX_OBJECT, true);
    }

    @ParameterizedTest(name = "cache_memory {0} MB with a {1} MB heap: warned {2}")
    @CsvSource({
        "8, 64, false",   // the default tier with the launcher's default heap
        "32, 64, false",  // exactly half
        "33, 64, true",
        "64, 64, true",
        "64, 160, false", // the heap the warning suggests for 64 MB
        "0, 16, false",   // no memory tier
    })
    void aMemoryTierOfMoreThanHalfTheHeapIsWarnedAbout(long cacheMb, long heapMb, boolean warned) {
        Optional<String> warning = Assembly.heapWarning(memoryTier(cacheMb), heapMb << 20);
        assertEquals(warned, warning.isPresent(), warning.orElse("(none)"));
        warning.ifPresent(w -> {
            assertTrue(w.startsWith("conf.d/cache.conf:1: [proxypass] cache_memory = " + cacheMb + " MB"), w);
            assertTrue(w.contains("GATEHOUSE_HEAP=" + (2 * cacheMb + 32) + "m"), "names a heap that fits: " + w);
        });
    }
}
