package io.gatehouse.cache.store;

import io.gatehouse.cache.policy.HeadFacts;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One cached answer as Gatehouse keeps it: status, header fields, the times it was asked for and
 * received, and the body with its length and checksum.
 *
 * <p>Immutable. The body is held in read-only heap buffers that are never copied on a memory hit:
 * {@link #body()} hands out duplicates, each with its own position. An entry is made by a
 * {@link Builder} fed the body as it streams, and becomes an entry only when complete and of the
 * expected length. {@link #serialise()} and {@link #deserialise(byte[])} are the disk form, which
 * carries a format version, the lengths and CRC32C checksums of both the head and the body; reading
 * checks all of them.
 */
public final class StoredResponse {

    /** "GHCE": a Gatehouse cache entry. */
    static final int MAGIC = 0x47484345;
    /** The disk form's version; an entry of another version is treated as damaged (and so dropped). */
    static final byte VERSION = 1;
    /** magic, version, head length; then after the head: head CRC, body length, body CRC. */
    private static final int PREFIX_BYTES = 4 + 1 + 4;
    private static final int INFIX_BYTES = 4 + 8 + 4;

    /** The entry object, its buffer array and the memory tier's node for it, roughly. */
    static final long FIXED_OVERHEAD = 256;
    /** One read-only buffer object over a block. */
    static final long PER_BUFFER = 64;

    private static final ByteBuffer[] NO_BODY = new ByteBuffer[0];

    private final String key;
    private final int status;
    private final StoredFields headers;
    private final long requestTime;
    private final long responseTime;
    private final ByteBuffer[] body;
    private final long length;
    private final int checksum;
    /** Bytes of heap the body's arrays hold (their capacities), which may exceed {@link #length}. */
    private final long retained;
    /** What the policy read off the head, once (not part of the disk form). */
    private volatile HeadFacts facts;

    private StoredResponse(String key, int status, StoredFields headers, long requestTime, long responseTime,
                           ByteBuffer[] body, long length, int checksum, long retained) {
        this.key = key;
        this.status = status;
        this.headers = headers;
        this.requestTime = requestTime;
        this.responseTime = responseTime;
        this.body = body;
        this.length = length;
        this.checksum = checksum;
        this.retained = retained;
    }

    /**
     * What the cache policy reads off this entry's head, made by {@code read} the first time it is asked
     * for and kept (the head does not change while stored; two threads asking at once may both read it).
     */
    public HeadFacts facts(java.util.function.Supplier<HeadFacts> read) {
        HeadFacts f = facts;
        if (f == null) {
            f = read.get();
            facts = f;
        }
        return f;
    }

    /**
     * A builder for the answer to {@code key}; the body may be at most {@code maxBodyBytes} long
     * (the {@code cache_max_object} the caller applies).
     */
    public static Builder builder(String key, int status, StoredFields headers, long requestTime, long responseTime,
                                  long maxBodyBytes) {
        return new Builder(key, status, headers, requestTime, responseTime, maxBodyBytes);
    }

    /**
     * The entry made of a body already copied, chunk by chunk, by whoever streamed it (the cache stage's
     * growing body, which clients waiting on the same fill read as it came): the chunks become the
     * entry's buffers as they are, with no second copy; their checksum is computed here.
     *
     * @param chunks read-only heap buffers, each exactly its bytes, never written again
     */
    public static StoredResponse of(String key, int status, StoredFields headers, long requestTime, long responseTime,
                                    List<ByteBuffer> chunks) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(headers, "headers");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
        }
        CRC32C crc = new CRC32C();
        ByteBuffer[] body = new ByteBuffer[chunks.size()];
        long length = 0;
        long retained = 0;
        for (int i = 0; i < body.length; i++) {
            ByteBuffer chunk = chunks.get(i).asReadOnlyBuffer();
            crc.update(chunk.duplicate());
            length += chunk.remaining();
            retained += chunk.capacity();
            body[i] = chunk;
        }
        return new StoredResponse(key, status, headers, requestTime, responseTime, body.length == 0 ? NO_BODY : body,
                length, (int) crc.getValue(), retained);
    }

    /** The key as the cache stage made it (primary and secondary key); opaque to the store. */
    public String key() {
        return key;
    }

    public int status() {
        return status;
    }

    /** The stored header fields (already without hop-by-hop fields and what must not be stored). */
    public StoredFields headers() {
        return headers;
    }

    /** Epoch millis when the request that filled (or last revalidated) this entry was sent: RFC 9111 request_time. */
    public long requestTime() {
        return requestTime;
    }

    /** Epoch millis when its answer was received: RFC 9111 response_time. */
    public long responseTime() {
        return responseTime;
    }

    /** The body as read-only duplicates, positioned at 0; a new array of new buffer objects, no copy of the bytes. */
    public ByteBuffer[] body() {
        ByteBuffer[] out = new ByteBuffer[body.length];
        for (int i = 0; i < body.length; i++) {
            out[i] = body[i].duplicate();
        }
        return out;
    }

    /** How many buffers {@link #body()} returns. */
    public int bodyBufferCount() {
        return body.length;
    }

    /** The body length in bytes. */
    public long length() {
        return length;
    }

    /** CRC32C of the body. */
    public int checksum() {
        return checksum;
    }

    /**
     * What the entry costs the heap, in bytes: the body's arrays (their capacity, not only the bytes
     * used), the key and header strings, and a fixed overhead. The memory tier is bounded by the sum.
     */
    public long weight() {
        return retained + PER_BUFFER * body.length + stringHeapBytes(key) + headers.heapBytes() + FIXED_OVERHEAD;
    }

    /**
     * This entry with new header fields and times, as a 304 from the member requires (RFC 9111 §4.3.4);
     * the body buffers are shared, not copied.
     */
    public StoredResponse withHeaders(StoredFields headers, long requestTime, long responseTime) {
        return new StoredResponse(key, status, Objects.requireNonNull(headers, "headers"), requestTime, responseTime,
            body, length, checksum, retained);
    }

    /** Whether this entry's body is the very buffers of {@code other}'s (a 304 copy), not a copy of them. */
    boolean sharesBodyWith(StoredResponse other) {
        return body == other.body;
    }

    /** Heap bytes of a string, counted on the high side (two bytes a character, plus the two objects). */
    static long stringHeapBytes(String s) {
        return 40L + 2L * s.length();
    }

    // ---- the disk form

    /**
     * The entry as bytes: magic, format version, head length, head (key, status, times, fields),
     * CRC32C of the head, body length, CRC32C of the body, body.
     *
     * @throws IllegalStateException when the entry is too large for one array
     */
    public byte[] serialise() {
        byte[] head = head();
        long total = PREFIX_BYTES + (long) head.length + INFIX_BYTES + length;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("entry " + key + ": " + total + " bytes is too large to serialise");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.putInt(MAGIC).put(VERSION).putInt(head.length).put(head).putInt(crc(head));
        out.putLong(length).putInt(checksum);
        for (ByteBuffer b : body) {
            out.put(b.duplicate());
        }
        return out.array();
    }

    private byte[] head() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 2 * key.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, key);
            out.writeInt(status);
            out.writeLong(requestTime);
            out.writeLong(responseTime);
            out.writeInt(headers.size());
            for (int i = 0; i < headers.size(); i++) {
                writeString(out, headers.name(i));
                writeString(out, headers.value(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads an entry written by {@link #serialise()}. The body is not copied: it is a read-only view of
     * {@code bytes}, which the caller must not change afterwards.
     *
     * @throws DamagedEntryException when the bytes are truncated or malformed, of another format
     *     version, or a length or checksum disagrees with them
     */
    public static StoredResponse deserialise(byte[] bytes) throws DamagedEntryException {
        return deserialise(ByteBuffer.wrap(bytes));
    }

    /**
     * As {@link #deserialise(byte[])}, from the bytes between {@code bytes}' position and limit (its
     * position is left as it is). The body is a read-only view of them; the entry counts the whole array
     * behind a heap buffer as the memory it keeps.
     */
    public static StoredResponse deserialise(ByteBuffer bytes) throws DamagedEntryException {
        try {
            return read(bytes.slice(), bytes.hasArray() ? bytes.array().length : bytes.remaining());
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new DamagedEntryException("stored entry malformed: " + e, e);
        }
    }

    private static StoredResponse read(ByteBuffer in, long retained) throws DamagedEntryException {
        int size = in.remaining();
        if (size < PREFIX_BYTES) {
            throw new DamagedEntryException("stored entry truncated: " + size + " bytes");
        }
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new DamagedEntryException("stored entry has no Gatehouse mark (" + Integer.toHexString(magic) + ")");
        }
        byte version = in.get();
        if (version != VERSION) {
            throw new DamagedEntryException("stored entry of format version " + version + " (expected: " + VERSION + ")");
        }
        int headLength = in.getInt();
        if (headLength < 0 || headLength > in.remaining() - INFIX_BYTES) {
            throw new DamagedEntryException("stored entry head of " + headLength + " bytes does not fit in "
                + size + " bytes");
        }
        ByteBuffer head = in.slice().limit(headLength);
        in.position(in.position() + headLength);
        int headCrc = in.getInt();
        if (crc(head.duplicate()) != headCrc) {
            throw new DamagedEntryException("stored entry head checksum disagrees");
        }
        long length = in.getLong();
        int checksum = in.getInt();
        if (length != in.remaining()) {
            throw new DamagedEntryException("stored entry body length " + length + " but " + in.remaining()
                + " bytes follow");
        }
        ByteBuffer body = in.slice().asReadOnlyBuffer();
        if (crc(body.duplicate()) != checksum) {
            throw new DamagedEntryException("stored entry body checksum disagrees");
        }

        String key = readString(head);
        int status = head.getInt();
        if (status < 100 || status > 999) {
            throw new DamagedEntryException("stored entry status " + status);
        }
        long requestTime = head.getLong();
        long responseTime = head.getLong();
        int pairs = head.getInt();
        if (pairs < 0 || pairs > head.remaining() / 8) { // each pair has two lengths at least
            throw new DamagedEntryException("stored entry claims " + pairs + " header fields");
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>(pairs);
        for (int i = 0; i < pairs; i++) {
            fields.add(Map.entry(readString(head), readString(head)));
        }
        if (head.hasRemaining()) {
            throw new DamagedEntryException("stored entry head has " + head.remaining() + " bytes left over");
        }
        ByteBuffer[] buffers = length == 0 ? NO_BODY : new ByteBuffer[] {body};
        return new StoredResponse(key, status, new StoredFields(fields), requestTime, responseTime, buffers, length,
            checksum, retained);
    }

    private static String readString(ByteBuffer in) throws DamagedEntryException {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new DamagedEntryException("stored entry string of " + n + " bytes in " + in.remaining());
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static int crc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length);
        return (int) crc.getValue();
    }

    private static int crc(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return "StoredResponse[" + key + " " + status + ", " + length + " bytes]";
    }

    /**
     * Collects a body as it streams to the first client, copying each chunk, and makes the entry once
     * it is complete.
     *
     * <p>Used by one thread at a time. Past the maximum size {@link #append} answers false and the
     * builder is abandoned: it keeps nothing and builds nothing. Blocks grow from 8 KiB to 256 KiB (or
     * follow {@link #expectLength} when the length is announced, in blocks of up to 1 MiB), and the
     * last block is trimmed when more than an eighth of it is unused, so an entry holds little more
     * than its length.
     */
    public static final class Builder {

        static final int MIN_BLOCK = 8 * 1024;
        static final int MAX_GROWN_BLOCK = 256 * 1024;
        static final int MAX_ANNOUNCED_BLOCK = 1024 * 1024;

        private final String key;
        private final int status;
        private final StoredFields headers;
        private final long requestTime;
        private final long responseTime;
        private final long maxBytes;
        private final CRC32C crc = new CRC32C();
        private List<byte[]> blocks = new ArrayList<>(4);
        private byte[] current;
        private int used;
        private long length;
        private long announced = -1;
        private boolean abandoned;
        private boolean built;

        private Builder(String key, int status, StoredFields headers, long requestTime, long responseTime,
                        long maxBytes) {
            this.key = Objects.requireNonNull(key, "key");
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
            }
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes: " + maxBytes + " (expected: >= 0)");
            }
            this.status = status;
            this.headers = Objects.requireNonNull(headers, "headers");
            this.requestTime = requestTime;
            this.responseTime = responseTime;
            this.maxBytes = maxBytes;
        }

        /**
         * The length the member announced (Content-Length), as a hint for sizing blocks; -1 = unknown.
         * A length above the maximum abandons the builder at once.
         */
        public Builder expectLength(long announcedLength) {
            if (announcedLength > maxBytes) {
                abandon();
            } else {
                this.announced = announcedLength;
            }
            return this;
        }

        /**
         * Copies the chunk's remaining bytes; the chunk's position is left as it was.
         *
         * @return false when the builder is (now) abandoned: the body went past the maximum, or it was
         *     abandoned or built before
         */
        public boolean append(ByteBuffer chunk) {
            ByteBuffer from = chunk.duplicate();
            if (!admit(from.remaining())) {
                return false;
            }
            while (from.hasRemaining()) {
                int n = Math.min(from.remaining(), room());
                from.get(current, used, n);
                took(n);
            }
            return true;
        }

        /** Copies {@code len} bytes of {@code bytes} from {@code off}; false as for {@link #append(ByteBuffer)}. */
        public boolean append(byte[] bytes, int off, int len) {
            Objects.checkFromIndexSize(off, len, bytes.length);
            if (!admit(len)) {
                return false;
            }
            int done = 0;
            while (done < len) {
                int n = Math.min(len - done, room());
                System.arraycopy(bytes, off + done, current, used, n);
                took(n);
                done += n;
            }
            return true;
        }

        private boolean admit(int n) {
            if (abandoned || built) {
                return false;
            }
            if (length + n > maxBytes) {
                abandon();
                return false;
            }
            return true;
        }

        /** Room in the current block, opening a new one when it is full. */
        private int room() {
            if (current == null || used == current.length) {
                if (current != null) {
                    blocks.add(current);
                }
                current = new byte[nextBlockSize()];
                used = 0;
            }
            return current.length - used;
        }

        private int nextBlockSize() {
            long size;
            if (announced > length) {
                size = Math.min(announced - length, MAX_ANNOUNCED_BLOCK);
            } else {
                size = Math.min(Math.max(MIN_BLOCK, length), MAX_GROWN_BLOCK);
            }
            return (int) Math.max(1, Math.min(size, maxBytes - length));
        }

        private void took(int n) {
            crc.update(current, used, n);
            used += n;
            length += n;
        }

        /** Bytes received so far. */
        public long length() {
            return length;
        }

        /** Whether the builder gave up (too large, wrong length, or {@link #abandon()}). */
        public boolean abandoned() {
            return abandoned;
        }

        /** Drops what was collected; the builder builds nothing afterwards. */
        public void abandon() {
            abandoned = true;
            blocks = List.of();
            current = null;
        }

        /**
         * The entry, if the body is complete: {@code expectedLength} is the length the framing announced,
         * or -1 when the body ran until the member closed or the last chunk.
         *
         * @return null when abandoned, already built, or the length disagrees with the expected one
         */
        public StoredResponse build(long expectedLength) {
            if (abandoned || built) {
                return null;
            }
            if (expectedLength >= 0 && expectedLength != length) {
                abandon();
                return null;
            }
            built = true;
            if (current != null && used > 0) {
                if (current.length - used > current.length / 8) {
                    current = java.util.Arrays.copyOf(current, used);
                }
                blocks.add(current);
            }
            ByteBuffer[] body = new ByteBuffer[blocks.size()];
            long retained = 0;
            for (int i = 0; i < body.length; i++) {
                byte[] block = blocks.get(i);
                boolean last = i == body.length - 1;
                body[i] = ByteBuffer.wrap(block, 0, last ? used : block.length).slice().asReadOnlyBuffer();
                retained += block.length;
            }
            blocks = List.of();
            current = null;
            return new StoredResponse(key, status, headers, requestTime, responseTime, body.length == 0 ? NO_BODY : body,
                length, (int) crc.getValue(), retained);
        }
    }
}
