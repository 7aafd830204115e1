package io.gatehouse.upstream;

import io.gatehouse.config.model.StatusRanges;
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
import java.util.List;
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
 * member, takes an idle connection of this IO thread or opens one, writes the head in one write,
 * streams the body up, reads the answer's head strictly, and streams the body into a
 * {@link ResponseSink}, holding the member back while the sink is full. Bodies are never held whole
 * (but for a copy of a small one kept to send it again, below). A whole answer whose framing ended
 * exactly where it said puts the connection back in the pool.
 *
 * <p><b>Attempts.</b> A request makes at most {@link UpstreamCluster#maxAttempts()} attempts
 * ({@code retries}), never two with one member. A failed connect (refused, timed out) goes on to
 * another member whatever the method: nothing reached a member. A failure after the request reached
 * a member but before a byte of answer (it closed or broke the connection, or gave no head within
 * {@code response_timeout}), and an answer with a {@code fail_on} status before anything of it went
 * to the sink, go on to another member only for an idempotent request ({@link MemberRequest#idempotent})
 * whose body, if any, can be sent again: none of it read yet, or all of it held ({@code retry_body_max},
 * {@link RequestBodyUpload}). {@code retry_timeout} bounds the time from the first attempt after which
 * no other is begun. An answer with a {@code fail_on} status that cannot go to another member goes to
 * the sink as it is (as nginx passes the last answer on); its attempt still counts as
 * {@link Outcome.Kind#FAIL_STATUS}. A kept-alive connection the member had closed before the request
 * reached it is retried once on a fresh one to the same member, within the same attempt.
 *
 * <p><b>Admission.</b> Each attempt begins with {@link MemberState#tryStartAttempt} under the cluster's
 * {@code max_connections}; a member that refuses is passed over for this pick. When every usable member
 * refused so, the exchange waits in the cluster's {@link WaitQueue} ({@code max_queue},
 * {@code queue_timeout}) until the end of another attempt frees a slot, and fails
 * {@link Outcome.Kind#OVERLOADED} when the queue is full or the wait runs out. A cluster with no usable
 * member at all fails at once ({@link Outcome.Kind#NO_MEMBER}).
 *
 * <p>The member's clock ({@code response_timeout}) runs while the exchange waits on the member:
 * connecting and sending the head, the answer's head (counted from the end of the request body), and
 * each gap in the answer's body; each attempt has its own. The request body has its own clocks
 * ({@link RequestBodyUpload}).
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
    /** What only a request that passed a member over, went on to another or waited needs; null until then. */
    private Detour detour;
    private LoopState loop;

    /** The member of the attempt under way; null between attempts. */
    private MemberState member;
    private MemberConnection conn;
    /** The last attempt's failure, for the sink when no member is left to try. */
    private Outcome lastFailure;
    private long attemptStart;
    /** When the attempt's answer's head came; 0 before it did. */
    private long headAt;
    private long endedAt;
    private boolean reported;
    /** The answer's status is one of {@code fail_on}: its attempt ends {@link Outcome.Kind#FAIL_STATUS}. */
    private boolean failStatus;
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
        pickAndStart(waitOnMember(), false, false);
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
        leaveQueue();
        stopClocks();
        closeConnection();
        record(Outcome.Kind.CANCELLED);
        releaseBuffers();
    }

    /** The member of the attempt under way or last made: the final one once the exchange ended (null when none was tried). */
    public MemberState member() {
        return moreTriedCount > 0 ? moreTried[moreTriedCount - 1] : firstTried;
    }

    /** Attempts begun so far: 1 for a request its first member answered, 0 when none could be made. */
    public int attempts() {
        return firstTried == null ? 0 : 1 + moreTriedCount;
    }

    /**
     * True when the answer going to the sink has a {@code fail_on} status: no other member could take
     * the request over, so the member's answer is passed on as it is, and its attempt counts as failed.
     */
    public boolean passesFailStatus() {
        return failStatus && responseStarted;
    }

    /** The time from the start of the attempt under way (or last made) to its answer's head, or -1 before one came. */
    public long toHeadNanos() {
        return headAt != 0 ? headAt - attemptStart : -1;
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
     * Picks members until one admits an attempt, and starts it; when every usable member is at {@code
     * max_connections}, waits in the cluster's queue; when none is left, ends the exchange with the last
     * attempt's failure (or {@link Outcome.Kind#NO_MEMBER}). The attempt that failed before, if any,
     * goes to the sink first.
     *
     * @param now      the time the member's clock started at, when {@code clock} is false
     * @param clock    start the member's clock when an attempt starts (a retry, a wait in the queue)
     * @param woken    a slot was handed to this exchange: if it is taken already, wait again in front
     */
    private void pickAndStart(long now, boolean clock, boolean woken) {
        for (int round = 0; ; round++) {
            MemberState next = pickAdmitted();
            if (next != null) {
                startAttempt(next, now, clock || round > 0);
                return;
            }
            WaitQueue queue = cluster.waitQueue();
            Detour d = detour;
            if (d == null || d.skippedCount == 0 || queue == null || attempts() >= cluster.maxAttempts()) {
                fail(lastFailure != null ? lastFailure : new Outcome(Outcome.Kind.NO_MEMBER, null, -1, 0,
                        "no usable member"));
                return;
            }
            if (!reportLastFailure()) {
                return; // the sink gave up
            }
            if (!queue.add(this, woken)) {
                fail(new Outcome(Outcome.Kind.OVERLOADED, null, -1, 0, "every member is at max_connections ("
                        + cluster.policy().maxConnections() + ") and the queue is full (max_queue "
                        + queue.capacity() + (queue.timeoutMillis() <= 0 ? ", queue_timeout 0)" : ")")));
                return;
            }
            d.queued = true;
            if (d.wakeTask == null) {
                d.wakeTask = this::onWake;
            }
            if (!d.queueClock) {
                d.queueClock = true;
                loop.deadlines(queue.timeoutMillis(), thread).start(this); // replaces the member's clock
            }
            // An attempt may have ended between the picks above and joining the queue, and found nobody
            // waiting: look once more (a few times at most), now that this exchange is in the queue.
            if (round >= 2 || !roomNow() || !queue.remove(this)) {
                return; // a freed slot wakes it (onWake), or the queue's clock runs out (expired)
            }
            d.queued = false;
            d.skippedCount = 0;
        }
    }

    /** The next member that admits an attempt; those that do not are passed over (tried, without an attempt). */
    private MemberState pickAdmitted() {
        if (attempts() >= cluster.maxAttempts()) {
            return null;
        }
        int max = cluster.policy().maxConnections();
        while (true) {
            MemberState next = cluster.picker().pick(key, this);
            if (next == null || next.tryStartAttempt(max)) {
                return next;
            }
            addSkipped(next);
        }
    }

    /**
     * Begins an attempt with {@code next}, admitted already. The attempt that failed before goes to the
     * sink first; if the sink gives up there, the admitted attempt ends {@link Outcome.Kind#CANCELLED}.
     */
    private void startAttempt(MemberState next, long now, boolean clock) {
        if (!reportLastFailure()) {
            long t = System.nanoTime();
            next.record(Outcome.Kind.CANCELLED, -1, 0, t);
            slotFreed(next);
            return;
        }
        if (firstTried != null && moreTriedCount == 0) {
            detour().firstStart = attemptStart; // the first attempt's, for retry_timeout
        }
        member = next;
        addTried(next);
        reported = false;
        headAt = 0;
        failStatus = false;
        if (clock) {
            if (detour != null) {
                detour.queueClock = false;
            }
            now = waitOnMember(); // the member's own clock, for this attempt (the queue's, if any, stops)
        }
        attemptStart = now;
        MemberConnection pooled = request.freshConnection() ? null : next.endpoint().take(thread.getNumber());
        if (pooled != null) {
            reused = true;
            send(pooled);
        } else {
            connect();
        }
    }

    /** Gives the sink the failure another attempt takes over from, if one waits; false when the sink gave up. */
    private boolean reportLastFailure() {
        Outcome failedBefore = lastFailure;
        if (failedBefore != null) {
            lastFailure = null;
            sink.attemptFailed(failedBefore);
        }
        return !finished;
    }

    /** True when a member this exchange may still try is under {@code max_connections} now. */
    private boolean roomNow() {
        int max = cluster.policy().maxConnections();
        List<MemberState> members = cluster.members();
        for (int i = 0; i < members.size(); i++) {
            MemberState m = members.get(i);
            if (m.isUsable() && !attempted(m) && m.active() < max) {
                return true;
            }
        }
        return false;
    }

    /**
     * A slot was freed for this exchange, which waited in the queue; on another thread. The exchange
     * picks again on its own IO thread.
     */
    void wake(MemberState freed) {
        Detour d = detour; // made before the exchange joined the queue, whose lock publishes it
        d.freedBy = freed;
        thread.execute(d.wakeTask);
    }

    /** On the IO thread: the slot a finished attempt freed is this exchange's to take. */
    private void onWake() {
        if (finished) {
            // It gave up (timed out, or its caller left) while the slot was on its way: pass it on.
            WaitQueue queue = cluster.waitQueue();
            if (queue != null) {
                queue.slotFreed(detour.freedBy);
            }
            return;
        }
        detour.queued = false;
        detour.skippedCount = 0;
        pickAndStart(0, true, true);
    }

    /** Out of the queue, if in it (a wake-up already on its way finds the exchange finished and passes the slot on). */
    private void leaveQueue() {
        Detour d = detour;
        if (d != null && d.queued) {
            d.queued = false;
            cluster.waitQueue().remove(this);
        }
    }

    /** The rare-path state, made on first need. */
    private Detour detour() {
        Detour d = detour;
        if (d == null) {
            d = new Detour();
            detour = d;
        }
        return d;
    }

    /**
     * The attempt under way failed as {@code kind}: recorded, then another member takes the request over
     * if the rules allow (see the class comment), else the exchange ends.
     *
     * @param reached the request reached the member (its head was being written, or written)
     */
    private void failAttempt(Outcome.Kind kind, String reason, boolean reached) {
        if (finished) {
            return;
        }
        Outcome outcome = record(kind, reason);
        if (!(reached && received > 0) && mayRetry(reached)) {
            retry(outcome);
        } else {
            fail(outcome);
        }
    }

    /**
     * True when another attempt may follow the one that just ended (at {@link #endedAt}) before any of
     * its answer went to the sink: attempts left, within {@code retry_timeout}, and, for a request that
     * reached the member, an idempotent one whose body can be sent again.
     */
    private boolean mayRetry(boolean reached) {
        if (responseStarted || attempts() >= cluster.maxAttempts()) {
            return false;
        }
        if (reached && !request.idempotent()) {
            return false;
        }
        if (upload != null && !upload.isReplayable()) {
            return false;
        }
        long timeout = cluster.policy().retryTimeout().toNanos();
        return timeout <= 0 || endedAt - (moreTriedCount == 0 ? attemptStart : detour.firstStart) < timeout;
    }

    /** The attempt whose failure is {@code failed} (recorded) is given up; another member takes the request over. */
    private void retry(Outcome failed) {
        stopClock();
        endAttempt();
        lastFailure = failed;
        pickAndStart(0, true, false);
    }

    /** Gives up the attempt's connection and per-attempt state (its outcome is recorded already). */
    private void endAttempt() {
        abandonUpload();
        closeConnection();
        releaseDown();
        member = null;
        unsentHead = null;
        connecting = false;
        reused = false;
        requestDone = false;
        responseStarted = false;
        received = 0;
        bodyMode = NO_BODY;
        remaining = 0;
        chunks = null;
        memberEnded = false;
        readsHeld = false;
        reusable = false;
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
                failAttempt(Outcome.Kind.CONNECT_FAILED, connectFailure(e), false);
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
        if (upload != null) {
            // Another member takes the request over: the body again, held bytes first.
            stopClock();
            upload.restart(conn);
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
                request.bodyLength(), holdLimit(), loop.deadlines(timeouts.response(), thread),
                loop.deadlines(timeouts.clientBody(), thread));
        upload.start();
    }

    /**
     * How much of the body to hold for another member: {@code retry_body_max} when another attempt could
     * send it (an idempotent request, more than one attempt allowed), else nothing.
     */
    private long holdLimit() {
        return cluster.maxAttempts() > 1 && request.idempotent() ? cluster.policy().retryBodyMax() : 0;
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
        if (responseStarted) {
            fail(Outcome.Kind.BODY_TIMEOUT, why);
        } else {
            failAttempt(Outcome.Kind.HEAD_TIMEOUT, why, true);
        }
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
        headAt = System.nanoTime();

        int status = head.status();
        StatusRanges failOn = cluster.policy().failOn();
        if (!failOn.isEmpty() && status != 101 && failOn.contains(status)) {
            failStatus = true;
            if (mayRetry(true) && passOn(head, length, status)) {
                return;
            }
        }
        responseStarted = true;
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
        record(failStatus ? Outcome.Kind.FAIL_STATUS : Outcome.Kind.OK);
        releaseBuffers();
        sink.end();
    }

    /**
     * The member answered with a {@code fail_on} status: if another member admits an attempt now, this
     * attempt ends {@link Outcome.Kind#FAIL_STATUS} and the request goes there; the connection is kept
     * when the whole answer is already read (a length, all of it here), else closed. False (nothing
     * changed) when no other member can take it: the answer then goes to the sink.
     */
    private boolean passOn(ResponseHead head, int length, int status) {
        MemberState next = pickAdmitted();
        if (next == null) {
            return false;
        }
        long bodyLength = request.method().equals(Methods.HEAD) || status == 204 || status == 304 ? 0
                : head.isChunked() ? -1 : head.contentLength();
        boolean whole = bodyLength >= 0 && down.position() - length == bodyLength && head.isPersistent()
                && requestDone && (upload == null || !upload.isAbandoned());
        LOG.debug("{} answered {} (fail_on) for {}; trying {}", member, status, request.target(), next);
        MemberConnection c = conn;
        if (whole && c.isOpen()) {
            conn = null;
            member.endpoint().release(thread.getNumber(), c);
        }
        Outcome failed = record(Outcome.Kind.FAIL_STATUS, "upstream answered " + status + " (fail_on)");
        endAttempt();
        lastFailure = failed;
        startAttempt(next, 0, true);
        return true;
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
        if (!responseStarted && reused && received == 0 && !malformed && request.idempotent()
                && (upload == null || upload.isReplayable())) {
            // A kept-alive connection the member had already closed: try once more on a fresh one.
            LOG.debug("reused connection to {} failed, retrying on a new one: {}", member, e.toString());
            abandonUpload();
            closeConnection();
            releaseDown();
            unsentHead = null;
            requestDone = false;
            connect();
            return;
        }
        LOG.debug("upstream {} failed for {}: {}", member, request.target(), e.toString());
        if (responseStarted) {
            fail(Outcome.Kind.BROKEN, e instanceof ClosedEarly ? e.getMessage() : "upstream connection broke: " + words(e));
        } else if (malformed) {
            fail(Outcome.Kind.BROKEN, "upstream sent an invalid response: " + e.getMessage());
        } else if (e instanceof ClosedEarly) {
            failAttempt(Outcome.Kind.BROKEN, e.getMessage(), true);
        } else {
            failAttempt(Outcome.Kind.BROKEN, "upstream connection broke: " + words(e), true);
        }
    }

    @Override
    void expired() {
        if (finished) {
            return;
        }
        if (detour != null && detour.queued) {
            long waited = cluster.waitQueue().timeoutMillis();
            leaveQueue();
            detour.queueClock = false;
            fail(new Outcome(Outcome.Kind.OVERLOADED, null, -1, 0, "waited " + waited
                    + " ms in the queue (queue_timeout) for a member under max_connections ("
                    + cluster.policy().maxConnections() + ")"));
            return;
        }
        if (responseStarted) {
            // The answer has begun and the member stopped sending it.
            LOG.debug("{} sent nothing for {} ms in the middle of the response to {}", member,
                    timeouts.response(), request.target());
            fail(Outcome.Kind.BODY_TIMEOUT, "timed out in the middle of the answer: nothing came for "
                    + timeouts.response() + " ms");
        } else if (connecting) {
            failAttempt(Outcome.Kind.CONNECT_TIMEOUT, "connect() timed out after " + timeouts.response() + " ms", false);
        } else {
            failAttempt(Outcome.Kind.HEAD_TIMEOUT, "timed out waiting for the answer's head after " + timeouts.response()
                    + " ms", true);
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
        leaveQueue();
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
        record(kind, null, member);
    }

    /** As {@link #record(Outcome.Kind)}, passing on the reason (for passive health's log line, which names it). */
    private void record(Outcome.Kind kind, String reason, MemberState m) {
        if (m != null && !reported) {
            reported = true;
            long now = System.nanoTime();
            endedAt = now;
            m.record(kind, headAt != 0 ? headAt - attemptStart : -1, now - attemptStart, now, reason);
            slotFreed(m);
        }
    }

    /** An attempt with {@code m} ended: with a {@code max_connections} queue, the slot goes to the oldest waiter. */
    private void slotFreed(MemberState m) {
        WaitQueue queue = cluster.waitQueue();
        if (queue != null) {
            queue.slotFreed(m);
        }
    }

    /** Records the attempt's end as {@link #record(Outcome.Kind)} does and returns it as an outcome, for the sink. */
    private Outcome record(Outcome.Kind kind, String reason) {
        MemberState m = member;
        if (m == null) {
            return new Outcome(Outcome.Kind.NO_MEMBER, null, -1, 0, reason);
        }
        record(kind, reason, m);
        return new Outcome(kind, m, headAt != 0 ? headAt - attemptStart : -1, endedAt - attemptStart, reason);
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

    /** A member passed over at {@code max_connections}: not picked again until the exchange waited for a slot. */
    private void addSkipped(MemberState m) {
        Detour d = detour();
        if (d.skipped == null) {
            d.skipped = new MemberState[cluster.members().size()];
        }
        d.skipped[d.skippedCount++] = m;
    }

    /** Members tried or passed over: the picker leaves them out. */
    @Override
    public boolean contains(MemberState m) {
        if (attempted(m)) {
            return true;
        }
        Detour d = detour;
        if (d != null) {
            for (int i = 0; i < d.skippedCount; i++) {
                if (d.skipped[i] == m) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * True when an attempt with {@code m} was made (the queue asks, under its lock, while this exchange
     * waits in it and changes nothing).
     */
    boolean attempted(MemberState m) {
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

    /**
     * What only a request that passed a member over (at {@code max_connections}), went on to another
     * member or waited in the queue needs: kept apart so that a request its first member answers carries
     * none of it.
     */
    private static final class Detour {
        /** When the first attempt began (for {@code retry_timeout}), once a second one did. */
        long firstStart;
        /** Members passed over without an attempt (at {@code max_connections}) since the last wait in the queue. */
        MemberState[] skipped;
        int skippedCount;
        /** Waiting in the cluster's queue for a member under {@code max_connections}. */
        boolean queued;
        /** The queue's clock runs (it replaces the member's clock while the exchange waits for a slot). */
        boolean queueClock;
        /** Runs {@link #onWake} on the exchange's IO thread; made the first time it waits. */
        Runnable wakeTask;
        /** The member whose slot woke the exchange, passed on if it ended meanwhile. */
        volatile MemberState freedBy;
    }
}
