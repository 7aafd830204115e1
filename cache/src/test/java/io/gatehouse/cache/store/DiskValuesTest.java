package io.gatehouse.cache.store;

import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.impl.serialization.ByteArraySerializer;
import org.ehcache.spi.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiskValuesTest {

    @TempDir
    Path tmp;

    private final DiskValues values = new DiskValues();

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void aHeapBufferIsKeptAsAViewOfItsValueAndConsumed() {
        byte[] entry = body(1000);
        ByteBuffer binary = ByteBuffer.wrap(entry, 40, 900).slice();
        ByteBuffer value = values.read(binary);
        assertSame(entry, value.array(), "no copy");
        assertArrayEquals(Arrays.copyOfRange(entry, 40, 940), bytesOf(value));
        assertFalse(binary.hasRemaining(), "the buffer is read to its end, as Ehcache's serializer leaves it");
    }

    @Test
    void aDirectOrReadOnlyBufferIsCopied() {
        byte[] bytes = body(100);
        ByteBuffer direct = ByteBuffer.allocateDirect(100).put(bytes).flip();
        ByteBuffer fromDirect = values.read(direct);
        assertTrue(fromDirect.hasArray());
        assertArrayEquals(bytes, bytesOf(fromDirect));
        assertFalse(direct.hasRemaining());

        ByteBuffer fromReadOnly = values.read(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        assertNotSame(bytes, fromReadOnly.array());
        assertArrayEquals(bytes, bytesOf(fromReadOnly));
    }

    @Test
    void serialisedBytesAndComparisonAreEhcachesOwn() throws Exception {
        byte[] bytes = body(300);
        assertEquals(new ByteArraySerializer().serialize(bytes), values.serialize(ByteBuffer.wrap(bytes)));
        ByteBuffer same = ByteBuffer.wrap(body(300));
        assertTrue(values.equals(ByteBuffer.wrap(bytes), same));
        assertFalse(same.hasRemaining());
        assertFalse(values.equals(ByteBuffer.wrap(bytes), ByteBuffer.wrap(body(299))));
    }

    /** Ehcache's disk store hands each read over in a heap buffer of its own: a disk hit is not copied again. */
    @Test
    void aValueReadFromEhcachesDiskStoreIsAViewOfTheStoresReadBuffer() {
        Path dir = tmp.resolve("entries");
        byte[] value = body(32 * 1024);
        try (PersistentCacheManager m = manager(dir, ByteBuffer.class, values)) {
            m.getCache("responses", String.class, ByteBuffer.class).put("k", ByteBuffer.wrap(value));
        }
        ByteBuffer[] binaries = new ByteBuffer[1];
        Serializer<ByteBuffer> watching = new Serializer<>() {
            @Override
            public ByteBuffer serialize(ByteBuffer v) {
                return values.serialize(v);
            }

            @Override
            public ByteBuffer read(ByteBuffer binary) {
                binaries[0] = binary;
                return values.read(binary);
            }

            @Override
            public boolean equals(ByteBuffer v, ByteBuffer binary) {
                return values.equals(v, binary);
            }
        };
        try (PersistentCacheManager m = manager(dir, ByteBuffer.class, watching)) {
            ByteBuffer back = m.getCache("responses", String.class, ByteBuffer.class).get("k");
            assertArrayEquals(value, bytesOf(back));
            assertTrue(binaries[0].hasArray(), "Ehcache read into a heap buffer");
            assertSame(binaries[0].array(), back.array(), "the value shares the store's read buffer");
        }
    }

    private static <V> PersistentCacheManager manager(Path dir, Class<V> type, Serializer<V> serializer) {
        return CacheManagerBuilder.newCacheManagerBuilder()
            .with(CacheManagerBuilder.persistence(dir.toFile()))
            .withCache("responses", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, type,
                    ResourcePoolsBuilder.newResourcePoolsBuilder().disk(8, MemoryUnit.MB, true))
                .withValueSerializer(serializer))
            .build(true);
    }
}
