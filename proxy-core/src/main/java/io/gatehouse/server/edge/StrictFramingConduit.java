package io.gatehouse.server.edge;

import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Refuses, before Undertow reads a byte of it, any HTTP/1.1 request whose framing could be read two
 * ways; such a request is answered with a 4xx/5xx and never reaches a handler or an upstream.
 *
 * <p>Installed on every accepted connection ({@link #install}) between the socket and Undertow's
 * parser. Every byte the client sends passes through {@link RequestFramingScanner} once:
 * <ul>
 *   <li>A request head is handed to Undertow only once it is complete and valid. Until then it is
 *       held here (Undertow never sees a partial head), under a deadline of
 *       {@link EdgeLimits#headerTimeout()} from its first byte; a client that is slower is answered
 *       408 in place of its head (logged like any refusal), and its connection ends.</li>
 *   <li>{@code Content-Length} bodies pass through untouched; chunked bodies pass through while their
 *       chunk-size lines, chunk ends and trailers are checked.</li>
 *   <li>A refused request is replaced by a short synthetic request carrying
 *       {@value #MARKER_HEADER_NAME}{@code : <status> <reason>} (see {@link SyntheticRequest}), answered
 *       in order after earlier pipelined requests by {@link EdgeRejectionHandler}. After it the
 *       connection reports end of stream. A client that sends the marker itself is refused.</li>
 *   <li>If a chunked body turns out malformed after its head was already handed to Undertow (the head
 *       arrived in an earlier read), the read fails with
 *       {@code IOException("malformed chunked request body: ...")}: the exchange aborts and the
 *       connection closes. Nothing after the malformed bytes is delivered.</li>
 *   <li>After a request asking to {@code Upgrade} to anything but {@code h2c} has been read to its
 *       end, the rest of the connection passes through unchecked (WebSocket). The proxy closes a
 *       connection whose upgrade it refuses, so this does not open a way around validation.</li>
 * </ul>
 *
 * <p>Reads are non-blocking and are serialized by Undertow (IO thread, or a worker reading a body
 * in blocking mode); the head timer runs on the connection's IO thread. A small request costs one
 * scan of its bytes and no allocation; a head that spans reads is copied once into a buffer that
 * grows to at most {@code maxHeaderSize} plus 1 KiB.
 */
public final class StrictFramingConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

    /** The header that tells {@link EdgeRejectionHandler} a request was refused at the edge. */
    public static final String MARKER_HEADER_NAME = "X-Gatehouse-Edge-Reject";

    /** {@link #MARKER_HEADER_NAME} as an Undertow header name. */
    public static final HttpString MARKER_HEADER = new HttpString(MARKER_HEADER_NAME);

    private static final int INITIAL_HOLD = 2048;
    private static final int HOLD_SLACK = 1024;
    private static final int MIN_FREE_HOLD = 512;
    private static final int MAX_SOCKET_READS = 16;
    private static final int AGAIN = Integer.MIN_VALUE;
    private static final int DISCARD_BUFFER = 8 * 1024;
    private static final int MAX_DISCARD_READS = 32;

    private final RequestFramingScanner scanner;
    private final XnioExecutor timers;
    private final LongSupplier nanoClock;
    private final Runnable onHeadTimeout;
    private final long headerTimeoutNanos;
    private final int maxHold;
    private final Runnable headTimerTask = this::headTimerExpired;

    // hold[deliverPos, deliverEnd): validated, waiting for Undertow; hold[deliverEnd, heldEnd): an unfinished head
    private ByteBuffer hold;
    private int deliverPos;
    private int deliverEnd;
    private int heldEnd;

    private byte[] synthetic;
    private int syntheticPos;
    private boolean rejected;
    private ByteBuffer discard;
    private IOException failure;

    private XnioExecutor.Key headTimerKey;
    private int headTimerHead;
    private volatile boolean headTimerArmed;
    private volatile long headDeadline;
    // Undertow asked for more bytes and the socket had none: an unfinished head now waits on the client alone
    private volatile boolean waitingForClient;

    /**
     * Puts a validating conduit between {@code connection}'s socket and whatever reads it next.
     * Call once per accepted connection, before {@code HttpOpenListener.handleEvent(connection)}.
     */
    public static StrictFramingConduit install(StreamConnection connection, EdgeLimits limits) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(limits, "limits");
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        StrictFramingConduit conduit = new StrictFramingConduit(source.getConduit(), limits,
                connection.getIoThread(), System::nanoTime, () -> IoUtils.safeClose(connection));
        source.setConduit(conduit);
        return conduit;
    }

    /**
     * @param timers        where the head deadline is scheduled (the connection's IO thread)
     * @param nanoClock     monotonic time, for the head deadline
     * @param onHeadTimeout closes the connection when a head is not complete in time and cannot be
     *                      answered (it always can in practice: see {@code refuseSlowHead})
     */
    StrictFramingConduit(StreamSourceConduit next, EdgeLimits limits, XnioExecutor timers,
            LongSupplier nanoClock, Runnable onHeadTimeout) {
        super(Objects.requireNonNull(next, "next"));
        this.scanner = new RequestFramingScanner(limits);
        this.timers = Objects.requireNonNull(timers, "timers");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.onHeadTimeout = Objects.requireNonNull(onHeadTimeout, "onHeadTimeout");
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.maxHold = limits.maxHeaderSize() + HOLD_SLACK;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        for (int reads = 0; reads < MAX_SOCKET_READS; reads++) {
            if (hasPendingBytes()) {
                return deliver(dst);
            }
            if (rejected) {
                return discardAndEnd();
            }
            int result;
            if (heldEnd > 0) {
                result = readIntoHold();
            } else if (scanner.tunnelling()) {
                return next.read(dst);
            } else {
                result = readInPlace(dst);
            }
            if (result != AGAIN) {
                return result;
            }
        }
        // Only bytes of unfinished heads so far; the socket has more, so the selector will call again.
        return hasPendingBytes() ? deliver(dst) : 0;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        for (int k = offs; k < offs + len; k++) {
            if (dsts[k].hasRemaining()) {
                return read(dsts[k]);
            }
        }
        return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }

    @Override
    public void resumeReads() {
        if (readableWithoutSocket()) {
            next.wakeupReads();
            return;
        }
        if (scanner.headInProgress()) {
            waitingForClient = true;
        }
        next.resumeReads();
    }

    @Override
    public void awaitReadable() throws IOException {
        if (readableWithoutSocket()) {
            return;
        }
        if (scanner.headInProgress()) {
            waitingForClient = true;
        }
        next.awaitReadable();
    }

    @Override
    public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
        if (readableWithoutSocket()) {
            return;
        }
        if (scanner.headInProgress()) {
            waitingForClient = true;
        }
        next.awaitReadable(time, timeUnit);
    }

    @Override
    public void terminateReads() throws IOException {
        cancelHeadTimer();
        releaseHold();
        next.terminateReads();
    }

    // ---------------------------------------------------------------- reading

    /** Fast path: nothing held, so the socket is read straight into Undertow's buffer and scanned there. */
    private int readInPlace(ByteBuffer dst) throws IOException {
        int start = dst.position();
        long undelivered = scanner.position();
        int n = next.read(dst);
        if (n <= 0) {
            return socketIdle(n);
        }
        waitingForClient = false;
        int end = scanRegion(dst, start, start + n);
        if (scanner.violation() != null) {
            int refusedAt;
            try {
                refusedAt = reject(dst, end, undelivered);
            } catch (IOException e) {
                dst.position(start);
                throw e;
            }
            dst.position(refusedAt);
            writeSynthetic(dst);
        } else if (scanner.holding()) {
            int headStart = indexOf(scanner.requestStart(), end);
            keep(dst, headStart, end);
            dst.position(headStart);
        } else {
            dst.position(end);
        }
        updateHeadTimer();
        int delivered = dst.position() - start;
        return delivered > 0 ? delivered : AGAIN;
    }

    /** Slow path: a head is held, so the socket is read behind it and the result delivered from here. */
    private int readIntoHold() throws IOException {
        compactHold();
        ensureHoldSpace();
        long undelivered = scanner.position() - heldEnd;
        hold.limit(hold.capacity()).position(heldEnd);
        int n = next.read(hold);
        if (n <= 0) {
            return socketIdle(n);
        }
        waitingForClient = false;
        int end = scanRegion(hold, heldEnd, heldEnd + n);
        deliverPos = 0;
        if (scanner.violation() != null) {
            deliverEnd = reject(hold, end, undelivered);
            heldEnd = deliverEnd;
        } else if (scanner.holding()) {
            deliverEnd = indexOf(scanner.requestStart(), end);
            heldEnd = end;
        } else {
            deliverEnd = end;
            heldEnd = end;
        }
        updateHeadTimer();
        return AGAIN;
    }

    private int socketIdle(int n) {
        if (n == 0) {
            if (scanner.headInProgress()) {
                waitingForClient = true;
            }
            return 0;
        }
        // end of stream: an unfinished head is dropped, Undertow closes the connection
        cancelHeadTimer();
        releaseHold();
        return -1;
    }

    /**
     * Scans {@code buf[from, to)}, removing the empty lines the scanner skips by moving later bytes
     * down; returns the new end. The stream byte at {@code scanner.position()} is at the returned index.
     */
    private int scanRegion(ByteBuffer buf, int from, int to) {
        int read = from;
        int write = from;
        while (read < to) {
            int stop = scanner.scan(buf, read, to);
            if (write != read && stop > read) {
                buf.put(write, buf, read, stop - read);
            }
            write += stop - read;
            read = stop;
            write -= scanner.takeSkipped();
            if (scanner.violation() != null) {
                break;
            }
        }
        return write;
    }

    /**
     * After a violation: the index in {@code buf} where the refused request began, with the synthetic
     * request ready to follow it. Throws instead when part of that request was already delivered.
     */
    private int reject(ByteBuffer buf, int end, long undelivered) throws IOException {
        FramingViolation violation = scanner.violation();
        long start = scanner.requestStart();
        cancelHeadTimer();
        if (start < undelivered) {
            releaseHold();
            failure = new IOException("malformed chunked request body: " + violation.reason());
            throw failure;
        }
        synthetic = SyntheticRequest.render(violation, scanner.summary(buf, end));
        syntheticPos = 0;
        rejected = true;
        return indexOf(start, end);
    }

    /** The index of stream position {@code pos} in a buffer whose scanned bytes end at {@code end}. */
    private int indexOf(long pos, int end) {
        return end - (int) (scanner.position() - pos);
    }

    // ---------------------------------------------------------------- delivery

    private boolean hasPendingBytes() {
        return deliverPos < deliverEnd || (synthetic != null && syntheticPos < synthetic.length);
    }

    private boolean readableWithoutSocket() {
        return failure != null || rejected || hasPendingBytes();
    }

    private int deliver(ByteBuffer dst) {
        int total = 0;
        if (deliverPos < deliverEnd) {
            int n = Math.min(dst.remaining(), deliverEnd - deliverPos);
            dst.put(hold.array(), deliverPos, n);
            deliverPos += n;
            total = n;
            if (deliverPos == deliverEnd && heldEnd == deliverEnd) {
                releaseHold();
            }
        }
        if (deliverPos == deliverEnd) {
            total += writeSynthetic(dst);
        }
        if (hasPendingBytes() && next.isReadResumed()) {
            next.wakeupReads();
        }
        return total;
    }

    private int writeSynthetic(ByteBuffer dst) {
        if (synthetic == null) {
            return 0;
        }
        int n = Math.min(dst.remaining(), synthetic.length - syntheticPos);
        dst.put(synthetic, syntheticPos, n);
        syntheticPos += n;
        return n;
    }

    /**
     * After the synthetic request: what the client already sent is read and dropped (through a
     * scratch buffer: Undertow drains with a one-byte buffer), so that closing the socket does not
     * reset the connection under the response; then end of stream.
     */
    private int discardAndEnd() {
        if (discard == null) {
            discard = ByteBuffer.allocate(DISCARD_BUFFER);
        }
        try {
            for (int k = 0; k < MAX_DISCARD_READS; k++) {
                discard.clear();
                if (next.read(discard) <= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // the client is gone: end of stream all the same
        }
        return -1;
    }

    // ---------------------------------------------------------------- the hold buffer

    /** Copies the unfinished head {@code src[from, to)} into the (empty) hold buffer. */
    private void keep(ByteBuffer src, int from, int to) {
        int length = to - from;
        int needed = length + MIN_FREE_HOLD;
        if (hold == null || hold.capacity() < needed) {
            int capacity = INITIAL_HOLD;
            while (capacity < needed) {
                capacity *= 2;
            }
            // a held head is at most maxHeaderSize + 2 bytes, so maxHold always leaves room to read
            hold = ByteBuffer.allocate(Math.min(capacity, maxHold));
        }
        src.get(from, hold.array(), 0, length);
        deliverPos = 0;
        deliverEnd = 0;
        heldEnd = length;
    }

    private void compactHold() {
        if (deliverEnd > 0) {
            int held = heldEnd - deliverEnd;
            System.arraycopy(hold.array(), deliverEnd, hold.array(), 0, held);
            deliverPos = 0;
            deliverEnd = 0;
            heldEnd = held;
        }
    }

    private void ensureHoldSpace() {
        int capacity = hold.capacity();
        if (capacity - heldEnd < MIN_FREE_HOLD && capacity < maxHold) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(capacity * 2, maxHold));
            System.arraycopy(hold.array(), 0, bigger.array(), 0, heldEnd);
            hold = bigger;
        }
    }

    private void releaseHold() {
        if (hold != null && hold.capacity() > INITIAL_HOLD) {
            hold = null;
        }
        deliverPos = 0;
        deliverEnd = 0;
        heldEnd = 0;
    }

    // ---------------------------------------------------------------- the head deadline

    private void updateHeadTimer() {
        if (scanner.headInProgress()) {
            int head = scanner.headsCompleted();
            if (!headTimerArmed || headTimerHead != head) {
                headTimerHead = head;
                cancelHeadTimer();
                headDeadline = nanoClock.getAsLong() + headerTimeoutNanos;
                headTimerArmed = true;
                headTimerKey = timers.executeAfter(headTimerTask, headerTimeoutNanos, TimeUnit.NANOSECONDS);
            }
        } else if (headTimerArmed) {
            cancelHeadTimer();
        }
    }

    private void cancelHeadTimer() {
        headTimerArmed = false;
        XnioExecutor.Key key = headTimerKey;
        headTimerKey = null;
        if (key != null) {
            key.remove();
        }
    }

    /**
     * The client did not finish its head in time: it is answered 408 in place of the head (a stand-in
     * request, like any refusal, so it is answered with the JSON body and logged with what had
     * arrived), and the connection ends after the answer. Undertow is waiting to read, so it is woken
     * to read the stand-in. Closes the connection instead if the head is not where it should be.
     */
    private void refuseSlowHead() {
        if (hold == null || heldEnd == 0 || deliverPos != deliverEnd || rejected) {
            onHeadTimeout.run();
            return;
        }
        synthetic = SyntheticRequest.render(FramingViolation.HEAD_TIMEOUT, scanner.summary(hold, heldEnd));
        syntheticPos = 0;
        rejected = true;
        releaseHold();
        next.wakeupReads();
    }

    /** On the IO thread. Refuses the head only if the unfinished head is waiting on the client. */
    private void headTimerExpired() {
        if (!headTimerArmed) {
            return;
        }
        long now = nanoClock.getAsLong();
        long left = headDeadline - now;
        if (left > 0) {
            // a stale expiry from an earlier head
            headTimerKey = timers.executeAfter(headTimerTask, left, TimeUnit.NANOSECONDS);
            return;
        }
        if (waitingForClient) {
            headTimerArmed = false;
            headTimerKey = null;
            refuseSlowHead();
            return;
        }
        // Undertow has not asked for more since the head began: it is still busy with an earlier
        // pipelined request on this connection. The head gets a new deadline once it is.
        headDeadline = now + headerTimeoutNanos;
        headTimerKey = timers.executeAfter(headTimerTask, headerTimeoutNanos, TimeUnit.NANOSECONDS);
    }
}
