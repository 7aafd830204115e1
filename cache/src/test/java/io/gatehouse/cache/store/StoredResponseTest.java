package io.gatehouse.cache.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.gatehouse.cache.store.StoreFixtures.body;
import static io.gatehouse.cache.store.StoreFixtures.bytes;
import static io.gatehouse.cache.store.StoreFixtures.crc32c;
import static io.gatehouse.cache.store.StoreFixtures.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoredResponseTest {

    private static final StoredFields FIELDS = StoredFields.of("Content-Type", "text/html", "Cache-Control", "max-age=60");

    private static StoredResponse.Builder builder(long max) {
        return StoredResponse.builder("GET http://a.example/x", 200, FIELDS, 10L, 20L, max);
    }

    @ParameterizedTest(name = "{0} bytes in chunks of {1}")
    @CsvSource({"0, 1", "1, 1", "1000, 7", "8192, 8192", "8193, 4096", "300000, 65536", "1048576, 16384"})
    void theBuilderKeepsTheBodyAsStreamedWithItsLengthAndChecksum(int length, int chunk) {
        byte[] body = body(length, length);
        StoredResponse r = entry("k", body, chunk);
        assertNotNull(r);
        assertEquals(length, r.length());
        assertArrayEquals(body, bytes(r));
        assertEquals(crc32c(body), r.checksum());
    }

    @Test
    void theHeadsFactsAreReadOnceAndKeptWithTheEntryButNotOnDisk() throws Exception {
        StoredResponse e = entry("GET http://a.example/x", 10, 1);
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<io.gatehouse.cache.policy.HeadFacts> read = () -> {
            reads.incrementAndGet();
            return io.gatehouse.cache.policy.HeadFacts.of(io.gatehouse.cache.policy.StoredHead.of(e.status(),
                    io.gatehouse.cache.policy.FieldList.empty(), e.requestTime(), e.responseTime()));
        };
        io.gatehouse.cache.policy.HeadFacts first = e.facts(read);
        assertSame(first, e.facts(read));
        assertEquals(1, reads.get());
        StoredResponse back = StoredResponse.deserialise(e.serialise());
        assertNotSame(first, back.facts(read), "a copy read from disk reads its head again");
        assertEquals(2, reads.get());
    }

    @Test
    void appendingLeavesTheCallersBufferWhereItWas() {
        StoredResponse.Builder b = builder(100);
        ByteBuffer chunk = ByteBuffer.wrap("hello".getBytes());
        assertTrue(b.append(chunk));
        assertEquals(0, chunk.position(), "the chunk still goes to the client from where it was");
        assertEquals("hello", new String(bytes(b.build(5))));
    }

    @ParameterizedTest(name = "announced {0}, received 10")
    @CsvSource({"9", "11", "0"})
    void buildFailsWhenTheLengthDisagreesWithTheExpectedOne(long expected) {
        StoredResponse.Builder b = builder(100);
        b.append(new byte[10], 0, 10);
        assertNull(b.build(expected));
        assertTrue(b.abandoned());
    }

    @Test
    void buildWithAnUnknownLengthTakesWhatCame() {
        StoredResponse.Builder b = builder(100);
        b.append(new byte[10], 0, 10);
        assertEquals(10, b.build(-1).length());
        assertNull(b.build(-1), "a builder builds once");
    }

    @Test
    void appendingPastTheMaximumAbandonsTheBuilder() {
        StoredResponse.Builder b = builder(10);
        assertTrue(b.append(new byte[6], 0, 6));
        assertTrue(b.append(new byte[4], 0, 4), "exactly the maximum is fine");
        assertFalse(b.append(new byte[1], 0, 1));
        assertTrue(b.abandoned());
        assertFalse(b.append(new byte[1], 0, 1), "an abandoned builder takes nothing");
        assertNull(b.build(-1));
        assertNull(b.build(10));
    }

    @Test
    void anAnnouncedLengthAboveTheMaximumAbandonsAtOnce() {
        StoredResponse.Builder b = builder(10).expectLength(11);
        assertTrue(b.abandoned());
        assertFalse(b.append(new byte[1], 0, 1));
    }

    @Test
    void anAnnouncedLengthIsKeptInOneBlockWithNothingToSpare() {
        StoredResponse.Builder b = builder(1_000_000).expectLength(300_000);
        for (int i = 0; i < 300; i++) {
            assertTrue(b.append(new byte[1000], 0, 1000));
        }
        StoredResponse r = b.build(300_000);
        assertEquals(1, r.bodyBufferCount());
        assertTrue(r.weight() < 300_000 + 2_000, "weight " + r.weight());
    }

    @Test
    void theWeightCountsTheBodyWithLittleToSpare() {
        StoredResponse small = entry("k", 1000, 1);
        StoredResponse large = entry("k", 1_000_000, 1);
        assertTrue(small.weight() >= 1000 && small.weight() < 1000 + 2_000, "small " + small.weight());
        assertTrue(large.weight() >= 1_000_000 && large.weight() < 1_000_000 * 9 / 8 + 4_000, "large " + large.weight());
    }

    @Test
    void bodyBuffersAreReadOnlyDuplicatesWithTheirOwnPositions() {
        StoredResponse r = entry("k", 100_000, 3);
        ByteBuffer[] first = r.body();
        ByteBuffer[] second = r.body();
        first[0].get(new byte[100]);
        assertEquals(0, second[0].position(), "reading one duplicate does not move another");
        assertTrue(first[0].isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> second[0].put(0, (byte) 1));
    }

    @Test
    void aRevalidatedCopySharesTheBodyAndTakesTheNewHeadersAndTimes() {
        StoredResponse r = entry("k", 50_000, 4);
        StoredFields fresh = StoredFields.of("Content-Type", "text/html", "Date", "Thu, 03 Dec 2026 07:00:00 GMT");
        StoredResponse updated = r.withHeaders(fresh, 500L, 600L);
        assertTrue(updated.sharesBodyWith(r), "no copy of the body for a 304");
        assertEquals(fresh, updated.headers());
        assertEquals(500L, updated.requestTime());
        assertEquals(600L, updated.responseTime());
        assertEquals(r.checksum(), updated.checksum());
        assertEquals(r.length(), updated.length());
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({"0", "1", "70000", "1048576"})
    void serialisingAndReadingBackGivesTheSameEntry(int length) throws Exception {
        StoredResponse.Builder b = StoredResponse.builder("GET https://b.example/é?q=1", 203,
            new StoredFields(List.of(Map.entry("Vary", "Accept-Encoding"), Map.entry("X-Note", "naïve ☃"),
                Map.entry("Set-Cookie", "a=1"), Map.entry("set-cookie", "b=2"))),
            1_700_000_000_000L, 1_700_000_000_123L, 2 * StoreFixtures.MIB);
        byte[] body = body(length, 9);
        b.append(body, 0, body.length);
        StoredResponse r = b.build(length);

        StoredResponse back = StoredResponse.deserialise(r.serialise());

        assertEquals(r.key(), back.key());
        assertEquals(r.status(), back.status());
        assertEquals(r.headers(), back.headers());
        assertEquals(List.of("a=1", "b=2"), back.headers().all("SET-COOKIE"));
        assertEquals(r.requestTime(), back.requestTime());
        assertEquals(r.responseTime(), back.responseTime());
        assertEquals(r.length(), back.length());
        assertEquals(r.checksum(), back.checksum());
        assertArrayEquals(body, bytes(back));
    }

    static Stream<Arguments> damage() {
        return Stream.of(
            Arguments.of("one body byte flipped", (UnaryOperator<byte[]>) b -> flip(b, b.length - 10)),
            Arguments.of("one head byte flipped", (UnaryOperator<byte[]>) b -> flip(b, 12)),
            Arguments.of("the body length changed", (UnaryOperator<byte[]>) b -> flip(b, bodyLengthAt(b) + 7)),
            Arguments.of("the body checksum changed", (UnaryOperator<byte[]>) b -> flip(b, bodyLengthAt(b) + 8)),
            Arguments.of("truncated by one byte", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length - 1)),
            Arguments.of("truncated inside the head", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, 20)),
            Arguments.of("truncated to three bytes", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, 3)),
            Arguments.of("empty", (UnaryOperator<byte[]>) b -> new byte[0]),
            Arguments.of("one byte too many", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length + 1)),
            Arguments.of("another format version", (UnaryOperator<byte[]>) b -> set(b, 4, (byte) (StoredResponse.VERSION + 1))),
            Arguments.of("no Gatehouse mark", (UnaryOperator<byte[]>) b -> set(b, 0, (byte) 'X')),
            Arguments.of("a head length past the end", (UnaryOperator<byte[]>) b -> set(b, 5, (byte) 0x7f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damage")
    void damagedBytesAreRefused(String what, UnaryOperator<byte[]> damage) {
        byte[] good = entry("GET http://a.example/x", 5000, 1).serialise();
        assertThrows(DamagedEntryException.class, () -> StoredResponse.deserialise(damage.apply(good.clone())));
    }

    /** Offset of the body length: magic, version, head length, head, head CRC. */
    private static int bodyLengthAt(byte[] b) {
        return 4 + 1 + 4 + ByteBuffer.wrap(b, 5, 4).getInt() + 4;
    }

    private static byte[] flip(byte[] b, int at) {
        b[at] ^= 0x01;
        return b;
    }

    private static byte[] set(byte[] b, int at, byte v) {
        b[at] = v;
        return b;
    }
}
