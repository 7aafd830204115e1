package io.gatehouse.cache.store;

import org.ehcache.spi.serialization.Serializer;

import java.nio.ByteBuffer;

/**
 * How the disk tier's values (a {@link StoredResponse}'s serialised bytes) go to and come from Ehcache's
 * disk store: the bytes as they are, as Ehcache's own byte-array serializer writes them. (Ehcache keeps
 * the value type with the entries, and it was {@code byte[]} before: a disk tier left by such a build is
 * not read, and starts empty once, with a warning; see {@link DiskTier#open}.)
 *
 * <p>The difference is on reads. Ehcache's disk store reads each entry into a heap buffer of its own,
 * made for that read, and hands the value over as a part of it; its byte-array serializer then copies
 * that part into a new array, a second copy of every disk hit (a 32 KiB body: 13 % of all the bytes
 * Gatehouse allocated under {@code bench/cache.sh}'s Zipf load). Here a writable heap buffer is kept as a
 * view of what it holds, with no copy; nothing writes into the buffer afterwards (Ehcache made it for this
 * read only, and {@link StoredResponse} only reads). Anything else (a direct or read-only buffer) is
 * copied into an array of its own.
 */
final class DiskValues implements Serializer<ByteBuffer> {

    @Override
    public ByteBuffer serialize(ByteBuffer value) {
        return value.duplicate();
    }

    @Override
    public ByteBuffer read(ByteBuffer binary) {
        ByteBuffer value;
        if (binary.hasArray()) {
            value = binary.slice();
        } else {
            value = ByteBuffer.allocate(binary.remaining());
            value.put(binary.duplicate()).flip();
        }
        binary.position(binary.limit());
        return value;
    }

    @Override
    public boolean equals(ByteBuffer value, ByteBuffer binary) {
        boolean same = value.duplicate().equals(binary);
        binary.position(binary.limit());
        return same;
    }
}
