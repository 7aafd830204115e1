package io.gatehouse.upstream;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.charset.StandardCharsets;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * A request body's trip to the member: read from the client as it arrives and written on at once
 * through one pooled buffer, in chunks when the client sent it chunked. It has its own clock (it is
 * the clock's entry), because it can wait while the answer waits too: {@code response_timeout} while
 * the member does not take the body, {@code client_body_timeout} while the client does not send it.
 * One per exchange with a body, on the exchange's IO thread; it tells its {@link Owner} how it ends.
 *
 * <p>For a request that may go to another member ({@code retry_body_max}), what is read from the
 * client is also copied, as it streams, into one heap buffer: sized to the body's length when that is
 * known and within the limit, else grown up to the limit. A body that turns out larger drops its copy.
 * While every byte read is held (or none was read), the body can be sent again to another member
 * ({@link #restart}): the held bytes first, then the rest from the client as it comes.
 *
 * <p>A body of known length never reaches the member longer or shorter than that length: the client's
 * body reading more, or ending before it, is a failed read (the exchange closes the member's
 * connection), and the body's last byte goes up only once the client's body has been seen to end. Over
 * HTTP/1.1 Undertow reads exactly the length and ends there, so this costs one read that says "the
 * end"; over HTTP/2 the DATA frames are what says how long a body is, and a {@code content-length} they
 * contradict is known only at the stream's end: the member never gets a complete request then.
 */
final class RequestBodyUpload extends ResponseDeadlines.Entry {
    /** What the upload reports to its exchange. */
    interface Owner {
        /** The whole body went to the member. */
        void bodySent();

        /** Writing to the member failed (it may have answered and closed). */
        void bodyWriteFailed(IOException e);

        /** The client's body could not be read: broken framing, or the client left. */
        void bodyReadFailed();

        /** The client sent nothing for {@code client_body_timeout}. */
        void bodyStalledByClient();

        /** The member took nothing for {@code response_timeout}. */
        void bodyStalledByMember();

        /** True once the exchange is over: the upload does nothing more. */
        boolean isFinished();
    }

    /** Room kept before body bytes for a chunk-size line ({@code 16 hex digits CRLF}). */
    private static final int CHUNK_ROOM = 18;
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private static final int IDLE = 0;
    private static final int MEMBER_TAKING = 1;
    private static final int CLIENT_SENDING = 2;

    /** A held copy of a body of unknown length starts this large and doubles up to the limit. */
    private static final int FIRST_HOLD = 8 * 1024;

    private final Owner owner;
    private final StreamSourceChannel client;
    private MemberConnection member;
    private final ByteBufferPool buffers;
    private final boolean chunked;
    private final long knownLength;
    private final ResponseDeadlines memberWait;
    private final ResponseDeadlines clientWait;
    private PooledByteBuffer pooled;
    private ByteBuffer up;
    /** The limit on the held copy; 0 when nothing is held (not asked for, or the body outgrew it). */
    private long holdMax;
    /** The body bytes read so far, each one, when held (write mode: its position is their count); else null. */
    private ByteBuffer held;
    /** Body bytes read from the client so far. */
    private long consumed;
    /** The client's body has ended (its channel said so). */
    private boolean clientEnded;
    /** How many of the held bytes went to the member on this trip: after a {@link #restart}, the next to send again. */
    private int replayAt;
    /** The body's last byte, kept back from the member until the client's body has ended. */
    private byte lastByte;
    /** {@link #lastByte} is still to go up on this trip. */
    private boolean lastBytePending;
    /** The last chunk (or the end) is on its way to the member. */
    private boolean ended;
    private boolean sent;
    private boolean abandoned;
    private int waitingOn;

    private final ChannelListener<Channel> clientReadable = channel -> onClientReadable();
    private final ChannelListener<Channel> memberWritable = channel -> onMemberWritable();

    /**
     * @param chunked     frame the body in chunks (the client sent it chunked, so its length is unknown)
     * @param knownLength the body's length when known, else -1
     * @param holdMax     hold a copy of the body for a replay while it stays within this many bytes
     *                    (0: hold nothing; a known length above it is not held either)
     * @param memberWait  the clock list for {@code response_timeout} on this loop
     * @param clientWait  the clock list for {@code client_body_timeout} on this loop
     */
    RequestBodyUpload(Owner owner, StreamSourceChannel client, MemberConnection member, ByteBufferPool buffers,
                      boolean chunked, long knownLength, long holdMax, ResponseDeadlines memberWait,
                      ResponseDeadlines clientWait) {
        this.owner = owner;
        this.client = client;
        this.member = member;
        this.buffers = buffers;
        this.chunked = chunked;
        this.knownLength = knownLength;
        this.holdMax = knownLength > holdMax ? 0 : Math.min(holdMax, Integer.MAX_VALUE - 8);
        this.memberWait = memberWait;
        this.clientWait = clientWait;
    }

    void start() {
        pooled = buffers.allocate();
        up = pooled.getBuffer();
        up.clear().flip();
        pump();
    }

    /**
     * Sends the body again from its start, to {@code to} (the previous member's connection is given up):
     * the held bytes, then whatever the client still sends. Only while {@link #isReplayable()}.
     */
    void restart(MemberConnection to) {
        if (!isReplayable()) {
            throw new IllegalStateException("the body was read and not held: it cannot be sent again");
        }
        abandon();
        member = to;
        abandoned = false;
        sent = false;
        ended = false;
        replayAt = 0;
        lastBytePending = false;
        start();
    }

    /** True while the body can be sent again from its start: none of it was read yet, or all that was is held. */
    boolean isReplayable() {
        return consumed == 0 || held != null;
    }

    /** Body bytes read from the client so far. */
    long consumed() {
        return consumed;
    }

    boolean isSent() {
        return sent;
    }

    boolean isAbandoned() {
        return abandoned;
    }

    /** Stops for good: no more reads from the client, no more writes to the member. */
    void abandon() {
        if (abandoned) {
            return;
        }
        abandoned = true;
        stopClock();
        client.suspendReads();
        client.getReadSetter().set(null);
        member.sink().suspendWrites();
        member.sink().getWriteSetter().set(null);
        release();
    }

    /** Returns the buffer; called when the exchange is over. */
    void release() {
        PooledByteBuffer p = pooled;
        if (p != null) {
            pooled = null;
            up = null;
            p.close();
        }
    }

    void stopClock() {
        waitingOn = IDLE;
        ResponseDeadlines.stop(this);
    }

    /** Moves the body to the member until the client has nothing more for now, or the member is full. */
    private void pump() {
        while (true) {
            try {
                if (up.hasRemaining() && !member.write(up)) {
                    client.suspendReads();
                    wait(MEMBER_TAKING, memberWait);
                    member.sink().getWriteSetter().set(memberWritable);
                    member.sink().resumeWrites();
                    return;
                }
            } catch (IOException e) {
                owner.bodyWriteFailed(e);
                return;
            }
            if (ended) {
                done();
                return;
            }
            up.clear();
            int start = 0;
            if (chunked) {
                start = CHUNK_ROOM;
                up.position(CHUNK_ROOM).limit(up.capacity() - 2);
            }
            int n;
            if (held != null && replayAt < held.position()) {
                // Sending the body again: what was held first, but the last byte only after the client's end.
                int end = held.position();
                if (!clientEnded && end == knownLength) {
                    end--;
                    lastBytePending = true;
                }
                n = Math.min(up.remaining(), end - replayAt);
                up.put(held.array(), replayAt, n);
                replayAt = replayAt + n == end ? held.position() : replayAt + n;
            } else if (clientEnded) {
                n = -1;
            } else {
                try {
                    n = client.read(up);
                } catch (IOException e) {
                    owner.bodyReadFailed();
                    return;
                }
                if (owner.isFinished()) {
                    return; // the read ended the request, and with the answer already out, the exchange
                }
                if (n == 0) {
                    up.flip().position(up.limit());
                    wait(CLIENT_SENDING, clientWait);
                    client.getReadSetter().set(clientReadable);
                    client.resumeReads();
                    return;
                }
                if (n < 0) {
                    if (knownLength >= 0 && consumed != knownLength) {
                        owner.bodyReadFailed(); // shorter than its length: the member must not take it as whole
                        return;
                    }
                    clientEnded = true;
                } else {
                    consumed += n;
                    if (knownLength >= 0 && consumed > knownLength) {
                        owner.bodyReadFailed(); // longer than its length: the rest would be a request of its own
                        return;
                    }
                    if (holdMax > 0) {
                        hold(start, n);
                        if (held != null) {
                            replayAt = held.position(); // these go out now
                        }
                    }
                    if (consumed == knownLength && !confirmEnd()) {
                        return;
                    }
                }
            }
            if (n < 0) {
                ended = true;
                up.clear();
                if (chunked) {
                    up.put(LAST_CHUNK);
                } else if (lastBytePending) {
                    up.put(lastByte);
                    lastBytePending = false;
                }
                up.flip();
                continue;
            }
            if (chunked) {
                frameChunk(n);
            } else {
                up.flip();
            }
        }
    }

    /**
     * The client's body has all its bytes (they end at {@code up}'s position): reads on to see it end.
     * If it has not ended yet, its last byte is kept back from the member until it does; a byte more is
     * a failed read. False when the read failed (the owner was told) or ended the exchange.
     */
    private boolean confirmEnd() {
        int more = 0;
        if (!clientEnded && up.hasRemaining()) {
            try {
                more = client.read(up);
            } catch (IOException e) {
                owner.bodyReadFailed();
                return false;
            }
            if (owner.isFinished()) {
                return false;
            }
        }
        if (more > 0) {
            owner.bodyReadFailed(); // longer than its length
            return false;
        }
        if (more < 0) {
            clientEnded = true;
        } else if (!clientEnded) {
            up.position(up.position() - 1);
            lastByte = up.get(up.position());
            lastBytePending = true;
        }
        return true;
    }

    /**
     * Copies the {@code n} body bytes just read (at {@code start} in {@code up}) to the held copy, which
     * is made on the first read and grown as needed; a body that passes {@link #holdMax} drops its copy
     * for good.
     */
    private void hold(int start, int n) {
        if (consumed > holdMax) {
            held = null;
            holdMax = 0;
            return;
        }
        ByteBuffer h = held;
        if (h == null) {
            h = ByteBuffer.allocate((int) (knownLength >= 0 ? knownLength : Math.min(holdMax, Math.max(FIRST_HOLD, n))));
        } else if (h.remaining() < n) {
            ByteBuffer grown = ByteBuffer.allocate((int) Math.min(holdMax, Math.max(2L * h.capacity(), consumed)));
            h = grown.put(h.flip());
        }
        held = h;
        h.put(h.position(), up, start, n).position(h.position() + n);
    }

    /** Puts the chunk-size line before the {@code n} body bytes just read at {@link #CHUNK_ROOM}, and CRLF after. */
    private void frameChunk(int n) {
        int end = up.position();
        int digits = (64 - Long.numberOfLeadingZeros(n) + 3) / 4;
        int start = CHUNK_ROOM - digits - 2;
        for (int i = 0; i < digits; i++) {
            up.put(start + i, HEX[(n >>> (4 * (digits - 1 - i))) & 0xf]);
        }
        up.put(CHUNK_ROOM - 2, (byte) '\r').put(CHUNK_ROOM - 1, (byte) '\n');
        up.limit(end + 2);
        up.put(end, (byte) '\r').put(end + 1, (byte) '\n');
        up.position(start);
    }

    private void onClientReadable() {
        if (owner.isFinished() || sent || abandoned) {
            client.suspendReads();
            return;
        }
        stopClock();
        pump();
    }

    private void onMemberWritable() {
        if (owner.isFinished() || abandoned) {
            member.sink().suspendWrites();
            return;
        }
        try {
            int before = up.remaining();
            if (!member.write(up)) {
                if (up.remaining() < before) {
                    wait(MEMBER_TAKING, memberWait); // it took some: response_timeout counts from here
                }
                return;
            }
        } catch (IOException e) {
            owner.bodyWriteFailed(e);
            return;
        }
        StreamSinkChannel sink = member.sink();
        sink.suspendWrites();
        sink.getWriteSetter().set(null);
        stopClock(); // the member took the body so far; the pump waits on the client or waits again
        pump();
    }

    private void done() {
        sent = true;
        stopClock();
        client.suspendReads();
        client.getReadSetter().set(null);
        release();
        owner.bodySent();
    }

    private void wait(int on, ResponseDeadlines list) {
        waitingOn = on;
        list.start(this);
    }

    @Override
    void expired() {
        int on = waitingOn;
        waitingOn = IDLE;
        if (owner.isFinished() || abandoned) {
            return;
        }
        if (on == CLIENT_SENDING) {
            owner.bodyStalledByClient();
        } else if (on == MEMBER_TAKING) {
            owner.bodyStalledByMember();
        }
    }
}
