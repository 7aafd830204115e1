package io.gatehouse.upstream;

import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.TriedMembers;
import io.gatehouse.upstream.http1.ChunkedDecoder;
import io.gatehouse.upstream.http1.MalformedResponseException;
import io.gatehouse.upstream.http1.RequestHeadWriter;
import io.gatehouse.upstream.http1.ResponseHead;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One request and its answer with a member of a cluster, over HTTP/1.1, on one IO thread, knowing
 * nothing of who asked: the client proxy, a health check and a cache fill all use it. It picks a
 * member, takes an idle connection of this IO thread or opens one (a refused connection moves on to
 * the next member; a kept-alive one the member had closed is retried once on a fresh one, for an
 * idempotent request without a body), writes the head in one write, streams the body up, reads the
 * answer's head strictly, and streams the body into a {@link ResponseSink}, holding the member back
 * while the sink is full. Bodies are never held whole. A whole answer whose framing ended exactly
 * where it said puts the connection back in the pool.
 *
 * <p>The member's clock ({@code response_timeout}) runs while the exchange waits on the member:
 * connecting and sending the head, the answer's head (counted from the end of the request body), and
 * each gap in the answer's body. The request body has its own clocks ({@link RequestBodyUpload}).
 *
 * <p>Each attempt with a member ends with exactly one {@link Outcome} kind, recorded on that member's
 * {@link MemberState} with its times. The sink hears of every failed attempt once: an attempt another
 * member takes over from in {@link ResponseSink#attemptFailed}, the one that ended the exchange in
 * {@link ResponseSink#failed}. An outcome's reason is in the operator's words (nginx's where it has
 * them: {@code connect() refused}, {@code upstream sent an invalid response: ...}).
 */
public final class MemberExchange extends ResponseDeadlines.Entry
        implements TriedMembers, RequestBodyUpload.Owner, ChannelListener<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(MemberExchange.class);

    private static final int NO_BODY = 0;
    private static final int FIXED = 1;
    private static final int CHUNKED = 2;
    private static final int UNTIL_CLOSE = 3;

    private final UpstreamCluster cluster;
    private final UpstreamConnector connector;
    private final ProxyTimeouts timeouts;
    private final XnioIoThread thread;
    private final MemberRequest request;
    private final RequestKey key;
    private final ResponseSink sink;
    /** The first member tried; any more in {@link #moreTried} (a retry is rare: no array until then). */
    private MemberState firstTried;
    private MemberState[] moreTried;
    private int moreTriedCount;
    private LoopState loop;

    private MemberState member;
    private MemberConnection conn;
    /** The last attempt's failure, for the sink when no member is left to try. */
    private Outcome lastFailure;
    private long attemptStart;
    private long headAt;
    private long endedAt;
    private boolean reported;
    private boolean reused;
    private boolean connecting;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean finished;
    private boolean reusable;
    private long received;

    // request side
    private ByteBuffer unsentHead;
    /** The body's trip to the member, for requests with one: it has its own clocks. */
    private RequestBodyUpload upload;

    // response side
    private PooledByteBuffer downPooled;
    private ByteBuffer down;
    private int bodyMode;
    private long remaining;
    private ChunkedDecoder chunks;
    private boolean memberEnded;
    private boolean readsHeld;


    /**
     * @param thread the IO thread it runs on, the caller's; {@link #start} is called there
     */
    public MemberExchange(UpstreamCluster cluster, UpstreamConnector connector, ProxyTimeouts timeouts,
                          XnioIoThread thread, MemberRequest request, RequestKey key, ResponseSink sink) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.thread = Objects.requireNonNull(thread, "thread");
        this.request = Objects.requireNonNull(request, "request");
        this.key = Objects.requireNonNull(key, "key");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Starts the exchange; on its IO thread. The sink may hear the end before this returns. */
    public void start() {
        loop = LoopState.current();
        // Picking, connecting and sending the head all count against response_timeout.
        tryNextMember(waitOnMember());
    }

    /** The sink can take more of the answer (after {@link ResponseSink#body} or {@code flush} said no). */
    public void resume() {
        if (finished || !responseStarted) {
            return;
        }
        if (readsHeld) {
            readsHeld = false;
            conn.source().resumeReads();
        }
        relayResponse();
    }

    /**
     * The caller gives up (its client left, or was too slow): the member connection closes mid-request,
     * so the member never sees it end; the attempt ends {@link Outcome.Kind#CANCELLED}. The sink hears
     * nothing more. Nothing happens once the exchange has ended.
     */
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        stopClocks();
        closeConnection();
        record(Outcome.Kind.CANCELLED);
        releaseBuffers();
    }

    /** The member of the attempt under way or last made (null before the first is picked or when none could be). */
    public MemberState member() {
        return member != null ? member : firstTried;
    }

    /** True once the whole request, body included, went to the member. */
    public boolean requestSent() {
        return requestDone;
    }

    /** True once the exchange has ended, whichever way. */
    @Override
    public boolean isFinished() {
        return finished;
    }

    // ---- choosing a member and a connection

    /**
     * Picks a member and starts an attempt with it at {@code now}. The attempt that failed before it, if
     * any, goes to the sink first; if no member is left, it ends the exchange instead.
     */
    private void tryNextMember(long now) {
        MemberState next = cluster.picker().pick(key, this);
        if (next == null) {
            fail(lastFailure != null ? lastFailure : new Outcome(Outcome.Kind.NO_MEMBER, null, -1, 0, "no usable member"));
            return;
        }
        Outcome failedBefore = lastFailure;
        if (failedBefore != null) {
            lastFailure = null;
            sink.attemptFailed(failedBefore);
            if (finished) {
                return; // the sink gave up
            }
        }
        member = next;
        addTried(next);
        reported = false;
        attemptStart = now;
        next.attemptStarted();
        MemberConnection pooled = request.freshConnection() ? null : next.endpoint().take(thread.getNumber());
        if (pooled != null) {
            reused = true;
            send(pooled);
        } else {
            connect();
        }
    }

    private void connect() {
        reused = false;
        connecting = true;
        MemberState target = member;
        connector.connect(target.endpoint(), thread, new UpstreamConnector.Callback() {
            @Override
            public void connected(MemberConnection fresh) {
                if (finished || target != member) {
                    target.endpoint().release(thread.getNumber(), fresh); // over; the connection is still good
                    return;
                }
                connecting = false;
                send(fresh);
            }

            @Override
            public void failed(IOException e) {
                if (finished || target != member) {
                    return; // the exchange's end has reported the attempt already
                }
                connecting = false;
                LOG.debug("connect to {} failed: {}", target, e.toString());
                lastFailure = record(Outcome.Kind.CONNECT_FAILED, connectFailure(e));
                member = null;
                tryNextMember(System.nanoTime());
            }
        });
    }

    // ---- sending the request

    private void send(MemberConnection c) {
        conn = c;
        received = 0;
        c.attach(this);
        RequestHeadWriter head = loop.request.start(request.method(), request.target());
        request.writeHead(head, member);
        if (request.hasBody() && request.chunked()) {
            head.header(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
        }
        ByteBuffer bytes = head.finish();
        try {
            if (!writeUp(bytes)) {
                // The head is in the writer's array, which the next request on this thread reuses.
                unsentHead = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
                return;
            }
        } catch (IOException e) {
            onMemberError(e);
            return;
        }
        headSent();
    }

    /** Writes the head; false when the member cannot take it all now ({@link #onMemberWritable} continues). */
    private boolean writeUp(ByteBuffer bytes) throws IOException {
        if (conn.write(bytes)) {
            return true;
        }
        waitOnMember(); // still sending the head
        conn.sink().getWriteSetter().set(this);
        conn.sink().resumeWrites();
        return false;
    }

    private void onMemberWritable() {
        if (finished) {
            MemberConnection c = conn;
            if (c != null) {
                c.sink().suspendWrites();
            }
            return;
        }
        try {
            if (!writeUp(unsentHead)) {
                return;
            }
        } catch (IOException e) {
            onMemberError(e);
            return;
        }
        conn.sink().suspendWrites();
        conn.sink().getWriteSetter().set(null);
        unsentHead = null;
        headSent();
    }

    private void headSent() {
        if (!request.hasBody()) {
            requestDone = true;
            return;
        }
        StreamSourceChannel body = request.openBody();
        if (finished) {
            return; // opening the body failed the caller's side (its client left)
        }
        if (body == null) {
            fail(Outcome.Kind.REQUEST_BODY_FAILED, "the request body could not be read");
            return;
        }
        // The answer's time counts from the end of the upload; meanwhile the upload has its own clocks.
        stopClock();
        upload = new RequestBodyUpload(this, body, conn, connector.bufferPool(), request.chunked(),
                loop.deadlines(timeouts.response(), thread), loop.deadlines(timeouts.clientBody(), thread));
        upload.start();
    }

    // ---- what the upload reports

    @Override
    public void bodySent() {
        requestDone = true;
        // A body may take long to upload: the member's time to answer counts from its end.
        if (!responseStarted && !finished) {
            waitOnMember();
        }
    }

    /**
     * The member stopped taking the request body. A member may answer before it has read a body (a
     * 413, a 401) and close: that answer is still passed on, so the upload stops quietly and the
     * answer is read; the connection is not reused.
     */
    @Override
    public void bodyWriteFailed(IOException e) {
        if (finished) {
            return;
        }
        LOG.debug("writing the request body to {} failed: {}", member, e.toString());
        abandonUpload();
        if (!responseStarted) {
            waitOnMember();
            readHead(); // what the member answered, if it did; a broken answer if it closed without a word
        }
    }

    @Override
    public void bodyReadFailed() {
        fail(Outcome.Kind.REQUEST_BODY_FAILED, "the request body could not be read");
    }

    @Override
    public void bodyStalledByClient() {
        LOG.debug("none of the body of {} came for {} ms", request.target(), timeouts.clientBody());
        fail(Outcome.Kind.REQUEST_BODY_TIMEOUT, "the client sent none of the request body for " + timeouts.clientBody()
                + " ms");
    }

    @Override
    public void bodyStalledByMember() {
        String why = "timed out sending the request body: the member took none of it for " + timeouts.response() + " ms";
        LOG.debug("{}: {} ({})", member, why, request.target());
        fail(responseStarted ? Outcome.Kind.BODY_TIMEOUT : Outcome.Kind.HEAD_TIMEOUT, why);
    }

    // ---- reading the response head

    /** The member connection is readable, or (while the head waits to go out) writable. */
    @Override
    public void handleEvent(Channel channel) {
        if (channel instanceof StreamSinkChannel) {
            onMemberWritable();
        } else {
            onMemberReadable();
        }
    }

    private void onMemberReadable() {
        if (finished) {
            MemberConnection c = conn;
            if (c != null) {
                c.source().suspendReads();
            }
            return;
        }
        if (responseStarted) {
            relayResponse();
        } else {
            readHead();
        }
    }

    private void readHead() {
        if (down == null) {
            downPooled = connector.bufferPool().allocate();
            down = downPooled.getBuffer();
            down.clear();
        }
        while (true) {
            int n;
            try {
                n = conn.source().read(down);
            } catch (IOException e) {
                onMemberError(e);
                return;
            }
            if (n == 0) {
                return; // reads stay armed
            }
            if (n < 0) {
                onMemberError(new ClosedEarly(received == 0
                        ? "upstream closed the connection without answering"
                        : "upstream closed the connection in the middle of the answer's head"));
                return;
            }
            received += n;
            try {
                if (parseHead()) {
                    return;
                }
            } catch (MalformedResponseException e) {
                onMemberError(e);
                return;
            }
            if (!down.hasRemaining()) {
                onMemberError(new MalformedResponseException("response head longer than " + down.capacity() + " bytes"));
                return;
            }
        }
    }

    /** Parses the head in {@code down} (write mode). True when it is complete and the response has begun. */
    private boolean parseHead() throws MalformedResponseException {
        ResponseHead parsed = loop.response;
        String offer = request.upgradeOffer();
        while (true) {
            int have = down.position();
            int look = Math.min(have, LoopState.FIRST_LOOK);
            byte[] bytes = loop.headBytes(look);
            down.get(0, bytes, 0, look);
            int length = parsed.parse(bytes, look);
            if (length < 0 && have > look) {
                bytes = loop.headBytes(have);
                down.get(0, bytes, 0, have);
                length = parsed.parse(bytes, have);
            }
            if (length < 0) {
                return false;
            }
            int status = parsed.status();
            if (status == 101 && offer != null) {
                String chosen = parsed.first(Headers.UPGRADE);
                if (!ForwardedHeaders.isOffered(chosen, offer)) {
                    throw new MalformedResponseException("the member switched to a protocol it was not offered: "
                            + (chosen == null ? "(none named)" : chosen));
                }
            }
            if (status >= 200 || status == 101 && offer != null) {
                onResponseHead(parsed, length);
                return true;
            }
            if (status == 101) {
                throw new MalformedResponseException("the member switched protocols without being asked to");
            }
            // An interim answer (100 Continue, 103 Early Hints): not passed on; the final one follows.
            down.flip().position(length);
            down.compact();
            if (down.position() == 0) {
                return false;
            }
        }
    }

    private void onResponseHead(ResponseHead head, int length) {
        stopClock();
        responseStarted = true;
        headAt = System.nanoTime();
        int status = head.status();
        down.flip().position(length); // what follows the head in this read is the body's start
        reusable = head.isPersistent() && (upload == null || !upload.isAbandoned()) && !request.freshConnection();
        if (status == 101) {
            sink.head(head, 0);
            if (!finished) {
                switched();
            }
            return;
        }
        long bodyLength;
        if (request.method().equals(Methods.HEAD) || status == 204 || status == 304) {
            bodyMode = NO_BODY;
            bodyLength = 0;
        } else if (head.isChunked()) {
            bodyMode = CHUNKED;
            chunks = new ChunkedDecoder();
            bodyLength = -1;
        } else if (head.contentLength() >= 0) {
            bodyMode = FIXED;
            remaining = head.contentLength();
            bodyLength = remaining;
        } else {
            bodyMode = UNTIL_CLOSE; // RFC 9112 §6.3: the body ends when the member closes
            reusable = false;
            bodyLength = -1;
        }
        sink.head(head, bodyLength);
        if (!finished) {
            relayResponse();
        }
    }

    // ---- relaying the response body

    private void relayResponse() {
        while (true) {
            long available;
            try {
                available = bodyAvailable();
            } catch (MalformedResponseException e) {
                brokenBody(e);
                return;
            }
            if (available < 0) {
                responseComplete();
                return;
            }
            if (available == 0) {
                if (readMoreBody()) {
                    continue;
                }
                return;
            }
            ByteBuffer buf = down;
            int limit = buf.limit();
            int start = buf.position();
            buf.limit(start + (int) available);
            boolean all = sink.body(buf);
            if (finished) {
                return; // the sink gave up (its client left): the buffer is back in the pool
            }
            int written = buf.position() - start;
            buf.limit(limit);
            if (bodyMode == FIXED) {
                remaining -= written;
            } else if (bodyMode == CHUNKED) {
                chunks.consumed(written);
            }
            if (!all) {
                holdMember();
                return;
            }
        }
    }

    /**
     * Reads more of the body into {@code down} (kept apart from the loop above, which stays small
     * enough to be compiled into its callers). True when the relay goes on; false when it waits (for
     * the member or the sink) or the exchange ended.
     */
    private boolean readMoreBody() {
        int n;
        down.clear();
        try {
            n = conn.source().read(down);
        } catch (IOException e) {
            down.flip();
            fail(Outcome.Kind.BROKEN, "reading the answer's body failed: " + words(e));
            return false;
        }
        down.flip();
        if (n > 0) {
            stopClock();
            return true;
        }
        if (n == 0) {
            // Nothing more from the member for now: the sink pushes out what it holds (a streamed
            // answer, events, long polling) through whatever holds data back (TLS, compression).
            if (!sink.flush()) {
                holdMember();
                return false;
            }
            waitOnMember(); // the member owes more of the body: response_timeout between its reads
            return false; // reads stay armed
        }
        if (bodyMode == UNTIL_CLOSE) {
            memberEnded = true;
            return true;
        }
        LOG.debug("{} closed the connection with the response body to {} incomplete", member, request.target());
        fail(Outcome.Kind.BROKEN, "upstream closed the connection with the answer's body incomplete");
        return false;
    }

    private void brokenBody(MalformedResponseException e) {
        LOG.debug("{} sent an invalid response body for {}: {}", member, request.target(), e.getMessage());
        fail(Outcome.Kind.BROKEN, "upstream sent an invalid response body: " + e.getMessage());
    }

    /** The sink takes no more for now: hold the member back until it does (the sink keeps the clock). */
    private void holdMember() {
        if (finished) {
            return;
        }
        stopClock();
        conn.source().suspendReads();
        readsHeld = true;
    }

    /** How many body bytes at the front of {@code down} can go to the sink: -1 at the body's end, 0 when more must be read. */
    private long bodyAvailable() throws MalformedResponseException {
        switch (bodyMode) {
            case NO_BODY:
                return -1;
            case FIXED:
                return remaining == 0 ? -1 : Math.min(remaining, down.remaining());
            case CHUNKED:
                long a = chunks.available(down);
                return a < 0 ? -1 : Math.min(a, down.remaining());
            default:
                return down.hasRemaining() ? down.remaining() : memberEnded ? -1 : 0;
        }
    }

    private void responseComplete() {
        finished = true;
        stopClock();
        if (down.hasRemaining()) {
            reusable = false; // the member sent more than the response it framed
        }
        if (!requestDone) {
            abandonUpload(); // the member answered without (all of) the body: it gets no more of it
        }
        MemberConnection c = conn;
        conn = null;
        if (reusable && c.isOpen()) {
            member.endpoint().release(thread.getNumber(), c);
        } else {
            c.close();
        }
        record(Outcome.Kind.OK);
        releaseBuffers();
        sink.end();
    }

    // ---- protocol switch

    private void switched() {
        finished = true;
        conn.source().suspendReads();
        ByteBuffer early = ByteBuffer.allocate(down.remaining()).put(down).flip();
        MemberConnection c = conn;
        conn = null;
        record(Outcome.Kind.OK);
        releaseBuffers();
        sink.switched(c.detach(), early);
    }

    // ---- failures

    private void onMemberError(IOException e) {
        if (finished) {
            return;
        }
        boolean malformed = e instanceof MalformedResponseException;
        if (!responseStarted && reused && received == 0 && !malformed && !request.hasBody() && request.idempotent()) {
            // A kept-alive connection the member had already closed: try once more on a fresh one.
            LOG.debug("reused connection to {} failed, retrying on a new one: {}", member, e.toString());
            closeConnection();
            releaseDown();
            unsentHead = null;
            connect();
            return;
        }
        LOG.debug("upstream {} failed for {}: {}", member, request.target(), e.toString());
        if (malformed) {
            fail(Outcome.Kind.BROKEN, "upstream sent an invalid response: " + e.getMessage());
        } else if (e instanceof ClosedEarly) {
            fail(Outcome.Kind.BROKEN, e.getMessage());
        } else {
            fail(Outcome.Kind.BROKEN, "upstream connection broke: " + words(e));
        }
    }

    @Override
    void expired() {
        if (finished) {
            return;
        }
        if (responseStarted) {
            // The answer has begun and the member stopped sending it.
            LOG.debug("{} sent nothing for {} ms in the middle of the response to {}", member,
                    timeouts.response(), request.target());
            fail(Outcome.Kind.BODY_TIMEOUT, "timed out in the middle of the answer: nothing came for "
                    + timeouts.response() + " ms");
        } else if (connecting) {
            fail(Outcome.Kind.CONNECT_TIMEOUT, "connect() timed out after " + timeouts.response() + " ms");
        } else {
            fail(Outcome.Kind.HEAD_TIMEOUT, "timed out waiting for the answer's head after " + timeouts.response() + " ms");
        }
    }

    /** Ends the exchange for {@code kind}: the attempt's outcome is recorded and the sink told. */
    private void fail(Outcome.Kind kind, String reason) {
        if (finished) {
            return;
        }
        fail(record(kind, reason));
    }

    private void fail(Outcome outcome) {
        finished = true;
        stopClocks();
        closeConnection();
        releaseBuffers();
        sink.failed(outcome);
    }

    /**
     * Records how the current attempt ended on its member, once (nothing when none is being made or it
     * was recorded already). Allocates nothing: a whole answer costs no outcome object.
     */
    private void record(Outcome.Kind kind) {
        MemberState m = member;
        if (m != null && !reported) {
            reported = true;
            endedAt = System.nanoTime();
            m.record(kind, responseStarted ? headAt - attemptStart : -1, endedAt - attemptStart);
        }
    }

    /** Records the attempt's end as {@link #record(Outcome.Kind)} does and returns it as an outcome, for the sink. */
    private Outcome record(Outcome.Kind kind, String reason) {
        MemberState m = member;
        if (m == null) {
            return new Outcome(Outcome.Kind.NO_MEMBER, null, -1, 0, reason);
        }
        record(kind);
        return new Outcome(kind, m, responseStarted ? headAt - attemptStart : -1, endedAt - attemptStart, reason);
    }

    /** The member closed its connection before the answer's head was whole; the message says when. */
    private static final class ClosedEarly extends IOException {
        ClosedEarly(String message) {
            super(message);
        }
    }

    /** Why a connection could not be opened, as nginx's {@code connect() failed (...)} says it. */
    private static String connectFailure(IOException e) {
        String why = words(e);
        return why.equals("connection refused") ? "connect() refused" : "connect() failed: " + why;
    }

    /** An I/O failure's message as words ({@code connection reset by peer}), never an exception's class name. */
    private static String words(IOException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return "input/output error";
        }
        m = m.strip();
        return m.length() > 1 && Character.isUpperCase(m.charAt(0)) && !Character.isUpperCase(m.charAt(1))
                ? Character.toLowerCase(m.charAt(0)) + m.substring(1) : m;
    }

    /** The upload stops for good: no more reads from the body, no more writes to the member. */
    private void abandonUpload() {
        reusable = false;
        if (upload != null) {
            upload.abandon();
        }
    }

    /** Starts (or restarts) the clock on the member: {@code response_timeout}. Returns the time it started. */
    private long waitOnMember() {
        return loop.deadlines(timeouts.response(), thread).start(this);
    }

    private void stopClock() {
        ResponseDeadlines.stop(this);
    }

    /** Both clocks, once the exchange is over or given up. */
    private void stopClocks() {
        stopClock();
        if (upload != null) {
            upload.stopClock();
        }
    }

    private void closeConnection() {
        MemberConnection c = conn;
        if (c != null) {
            conn = null;
            c.close();
        }
    }

    /** Returns the buffers; an upload still running stops for good (the body's channel is left alone once it was read whole). */
    private void releaseBuffers() {
        releaseDown();
        RequestBodyUpload u = upload;
        if (u != null) {
            if (u.isSent()) {
                u.release();
            } else {
                u.abandon();
            }
        }
    }

    private void releaseDown() {
        PooledByteBuffer p = downPooled;
        if (p != null) {
            downPooled = null;
            down = null;
            p.close();
        }
    }

    private void addTried(MemberState m) {
        if (firstTried == null) {
            firstTried = m;
            return;
        }
        if (moreTried == null) {
            moreTried = new MemberState[Math.max(1, cluster.members().size() - 1)];
        }
        moreTried[moreTriedCount++] = m;
    }

    @Override
    public boolean contains(MemberState m) {
        if (m == firstTried) {
            return true;
        }
        for (int i = 0; i < moreTriedCount; i++) {
            if (moreTried[i] == m) {
                return true;
            }
        }
        return false;
    }
}
