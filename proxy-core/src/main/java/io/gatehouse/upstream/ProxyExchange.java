package io.gatehouse.upstream;

import io.gatehouse.handler.ClientAddress;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.handler.RequestIds;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.TriedMembers;
import io.gatehouse.upstream.http1.ChunkedDecoder;
import io.gatehouse.upstream.http1.MalformedResponseException;
import io.gatehouse.upstream.http1.RequestHeadWriter;
import io.gatehouse.upstream.http1.ResponseHead;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One request's trip to a member and back, entirely on the IO thread of the client's exchange.
 *
 * <p>The request head is written straight from the client's headers into one buffer and sent with one
 * write; a body follows as it arrives (re-chunked when the client sent it chunked). The response head is
 * parsed from the bytes the first read brought, into the client's response headers, and whatever body
 * came with it is written on at once; the rest is relayed read by read, with the member's reads held
 * back while the client is slow. Bodies are never held whole. A response with a known end leaves the
 * connection reusable, and a complete response is never followed by a read that can only say
 * "nothing more" (the reads stay armed instead, see {@link MemberConnection}).
 */
final class ProxyExchange extends ResponseDeadlines.Entry
        implements Runnable, TriedMembers, RequestKey, ExchangeCompletionListener, RequestBodyUpload.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private static final Runnable NOTHING = () -> { };

    private static final int NO_CLOCK = 0;
    /** The answer waits on the member (its head, or more of its body); also connecting and the head. */
    private static final int MEMBER_CLOCK = 1;
    /** The answer waits on the client to take more of it. */
    private static final int CLIENT_READING = 2;
    /** The whole answer is out; Undertow drains a body nobody reads (for {@code client_body_timeout}). */
    private static final int LINGERING = 3;

    private static final int NO_BODY = 0;
    private static final int FIXED = 1;
    private static final int CHUNKED = 2;
    private static final int UNTIL_CLOSE = 3;


    private final UpstreamProxyHandler handler;
    private final HttpServerExchange exchange;
    private final MemberState[] tried;
    private int triedCount;
    private MemberState member;
    private MemberConnection conn;
    private boolean reused;
    /** The request came without a body (only such a request is retried on a fresh connection). */
    private boolean bodyless;
    /** The protocols offered to the member for a switch ({@code Upgrade}, never h2c), or null. */
    private String upgradeOffer;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean finished;
    private boolean upgraded;
    private boolean reusable;
    private long received;
    private LoopState loop;
    /** Whom the answer's clock (this entry) waits on: nobody, the member, or the client. */
    private int clock;
    /** The body's trip to the member, for requests with one: it has its own clock. */
    private RequestBodyUpload upload;
    /** The client's protocol version as {@code Via} names it, worked out once. */
    private String via;

    // request side
    private ByteBuffer unsentHead;
    private boolean chunkedUpload;

    // response side
    private PooledByteBuffer downPooled;
    private ByteBuffer down;
    private int bodyMode;
    private long remaining;
    private ChunkedDecoder chunks;
    private boolean memberEnded;
    private boolean memberReadsHeld;
    private StreamSinkChannel responseBody;

    private final ChannelListener<Channel> memberReadable = channel -> onMemberReadable();
    private ChannelListener<Channel> memberWritable;
    private ChannelListener<Channel> clientWritable;

    ProxyExchange(UpstreamProxyHandler handler, HttpServerExchange exchange) {
        this.handler = handler;
        this.exchange = exchange;
        this.tried = new MemberState[handler.cluster().members().size()];
    }

    @Override
    public void run() {
        loop = LoopState.current();
        via = viaVersion(exchange.getProtocol());
        HeaderMap headers = exchange.getRequestHeaders();
        bodyless = exchange.isRequestComplete();
        if (exchange.getRequestMethod().equals(Methods.GET) && headers.contains(Headers.UPGRADE)) {
            upgradeOffer = ForwardedHeaders.relayableUpgrade(headers);
        }
        exchange.addExchangeCompleteListener(this);
        waitOnMember(); // picking, connecting and sending the head all count against response_timeout
        tryNextMember();
    }

    // ---- choosing a member and a connection

    private void tryNextMember() {
        MemberState next = handler.cluster().picker().pick(this, this);
        if (next == null) {
            fail(triedCount == 0 ? UpstreamFailure.NO_MEMBER : UpstreamFailure.CONNECT_FAILED);
            return;
        }
        member = next;
        tried[triedCount++] = next;
        next.onRequestStart();
        MemberConnection pooled = next.pool(exchange.getIoThread().getNumber()).take();
        if (pooled != null) {
            reused = true;
            send(pooled);
        } else {
            connect();
        }
    }

    private void connect() {
        reused = false;
        MemberState target = member;
        int thread = exchange.getIoThread().getNumber();
        handler.connector().connect(target, exchange.getIoThread(), new UpstreamConnector.Callback() {
            @Override
            public void connected(MemberConnection fresh) {
                if (finished) {
                    target.pool(thread).offer(fresh); // the request is over; the connection is still good
                    return;
                }
                send(fresh);
            }

            @Override
            public void failed(IOException e) {
                if (finished) {
                    return; // the exchange's end has counted the request off, and a timeout the failure
                }
                target.onFailure();
                target.onRequestEnd();
                if (target == member) {
                    member = null;
                }
                LOG.debug("connect to {} failed: {}", target, e.toString());
                tryNextMember();
            }
        });
    }

    // ---- sending the request

    private void send(MemberConnection c) {
        conn = c;
        received = 0;
        c.attach(memberReadable);
        HeaderMap in = exchange.getRequestHeaders();
        RequestIds ids = exchange.getAttachment(RequestIds.KEY);
        RequestHeadWriter head = loop.request.start(exchange.getRequestMethod(), handler.upstreamPath(exchange));
        ForwardedHeaders.writeRequest(in, head, clientIp(), exchange.getRequestScheme(), via, upgradeOffer,
                ids == null ? "-" : ids.gtid());
        if (!in.contains(Headers.HOST)) {
            head.header(Headers.HOST, member.key().address().toString());
        }
        chunkedUpload = !exchange.isRequestComplete() && !in.contains(Headers.CONTENT_LENGTH);
        if (chunkedUpload) {
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
            onUpstreamError(e);
            return;
        }
        headSent();
    }

    /** Writes the head; false when the member cannot take it all now ({@link #onMemberWritable} continues). */
    private boolean writeUp(ByteBuffer bytes) throws IOException {
        if (conn.write(bytes)) {
            return true;
        }
        waitOnMember(); // still connecting and sending the head
        if (memberWritable == null) {
            memberWritable = channel -> onMemberWritable();
        }
        conn.sink().getWriteSetter().set(memberWritable);
        conn.sink().resumeWrites();
        return false;
    }

    private void onMemberWritable() {
        if (finished) {
            conn.sink().suspendWrites();
            return;
        }
        try {
            if (!writeUp(unsentHead)) {
                return;
            }
        } catch (IOException e) {
            onUpstreamError(e);
            return;
        }
        conn.sink().suspendWrites();
        conn.sink().getWriteSetter().set(null);
        unsentHead = null;
        headSent();
    }

    private void headSent() {
        if (exchange.isRequestComplete()) {
            requestDone = true;
            return;
        }
        if (HttpContinue.requiresContinueResponse(exchange)) {
            // A member is connected and has the head: tell the client to send its body. Gatehouse
            // answers the expectation itself, as nginx does, and sends the member a plain request
            // (many members never answer Expect, which would leave client and member waiting).
            HttpContinue.sendContinueResponse(exchange, new IoCallback() {
                @Override
                public void onComplete(HttpServerExchange ex, Sender sender) {
                }

                @Override
                public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                    closeConnection();
                    ex.endExchange();
                }
            });
        }
        StreamSourceChannel requestBody = exchange.getRequestChannel();
        if (requestBody == null) {
            fail(UpstreamFailure.BROKEN_RESPONSE);
            return;
        }
        // The answer's time counts from the end of the upload; meanwhile the upload has its own clock.
        stopClock();
        UpstreamProxyHandler.Timeouts t = handler.timeouts();
        upload = new RequestBodyUpload(this, requestBody, conn, handler.connector().bufferPool(), chunkedUpload,
                loop.deadlines(t.response(), exchange.getIoThread()), loop.deadlines(t.clientBody(), exchange.getIoThread()));
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
            readHead(); // what the member answered, if it did; 502 if it closed without a word
        }
    }

    @Override
    public void bodyReadFailed() {
        clientFailed(); // the client went away or sent a broken body: the member must not see it end
    }

    @Override
    public void bodyStalledByClient() {
        LOG.debug("the client sent none of the body of {} for {} ms", exchange.getRequestURI(),
                handler.timeouts().clientBody());
        bodyTimedOut();
    }

    @Override
    public void bodyStalledByMember() {
        LOG.debug("{} took none of the body of {} for {} ms", member, exchange.getRequestURI(),
                handler.timeouts().response());
        if (member != null) {
            member.onFailure();
        }
        if (responseStarted) {
            abort(false);
        } else {
            fail(UpstreamFailure.TIMEOUT);
        }
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    // ---- reading the response head

    private void onMemberReadable() {
        if (finished || upgraded) {
            conn.source().suspendReads();
            return;
        }
        if (responseDone) {
            // Bytes after a complete response belong to no request: the connection cannot be reused.
            reusable = false;
            conn.source().suspendReads();
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
            downPooled = handler.connector().bufferPool().allocate();
            down = downPooled.getBuffer();
            down.clear();
        }
        while (true) {
            int n;
            try {
                n = conn.source().read(down);
            } catch (IOException e) {
                onUpstreamError(e);
                return;
            }
            if (n == 0) {
                return; // reads stay armed
            }
            if (n < 0) {
                onUpstreamError(new IOException(received == 0
                        ? "the member closed the connection without answering"
                        : "the member closed the connection in the middle of the response head"));
                return;
            }
            received += n;
            try {
                if (parseHead()) {
                    return;
                }
            } catch (MalformedResponseException e) {
                onUpstreamError(e);
                return;
            }
            if (!down.hasRemaining()) {
                onUpstreamError(new MalformedResponseException("response head longer than " + down.capacity() + " bytes"));
                return;
            }
        }
    }

    /** Parses the head in {@code down} (write mode). True when it is complete and the response has begun. */
    private boolean parseHead() throws MalformedResponseException {
        ResponseHead parsed = loop.response;
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
            if (status == 101 && upgradeOffer != null) {
                String chosen = parsed.first(Headers.UPGRADE);
                if (!ForwardedHeaders.isOffered(chosen, upgradeOffer)) {
                    throw new MalformedResponseException("the member switched to a protocol it was not offered: "
                            + (chosen == null ? "(none named)" : chosen));
                }
            }
            if (status >= 200 || status == 101 && upgradeOffer != null) {
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
        int status = head.status();
        boolean switching = status == 101;
        exchange.setStatusCode(status);
        ForwardedHeaders.copyResponse(head, exchange.getResponseHeaders(), via, switching);
        down.flip().position(length); // what follows the head in this read is the body's start
        reusable = head.isPersistent() && (upload == null || !upload.isAbandoned());
        if (!requestDone) {
            // The member answers before it has the whole body: this client connection ends after the
            // answer (what is left of the body is drained, not read as a next request).
            exchange.setPersistent(false);
        }
        if (switching) {
            upgrade();
            return;
        }
        if (exchange.getRequestMethod().equals(Methods.HEAD) || status == 204 || status == 304) {
            bodyMode = NO_BODY;
        } else if (head.isChunked()) {
            bodyMode = CHUNKED;
            chunks = new ChunkedDecoder();
        } else if (head.contentLength() >= 0) {
            bodyMode = FIXED;
            remaining = head.contentLength();
        } else {
            bodyMode = UNTIL_CLOSE; // RFC 9112 §6.3: the body ends when the member closes
            reusable = false;
        }
        if ((bodyMode == CHUNKED || bodyMode == UNTIL_CLOSE) && exchange.getProtocol().equals(Protocols.HTTP_1_1)) {
            // A body of unknown length goes to an HTTP/1.1 client in chunks even when its connection
            // closes after it (as nginx does): a body cut short can then be told from a whole one.
            exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
        }
        responseBody = exchange.getResponseChannel();
        relayResponse();
    }

    // ---- relaying the response body

    private void relayResponse() {
        while (true) {
            long available;
            try {
                available = bodyAvailable();
            } catch (MalformedResponseException e) {
                LOG.warn("{} sent an invalid response body for {}: {}", member, exchange.getRequestURI(), e.getMessage());
                abort(true);
                return;
            }
            if (available < 0) {
                responseComplete();
                return;
            }
            if (available == 0) {
                int n;
                down.clear();
                try {
                    n = conn.source().read(down);
                } catch (IOException e) {
                    down.flip();
                    abort(true);
                    return;
                }
                down.flip();
                if (n > 0) {
                    stopClock();
                    continue;
                }
                if (n == 0) {
                    // Nothing more from the member for now: push out what was relayed (a streamed answer,
                    // events, long polling) through any conduit that holds data back (TLS, compression).
                    boolean flushed;
                    try {
                        flushed = responseBody.flush();
                    } catch (IOException e) {
                        abort(false);
                        return;
                    }
                    if (!flushed) {
                        holdMemberForClient();
                        return;
                    }
                    waitOnMember(); // the member owes more of the body: response_timeout between its reads
                    return; // reads stay armed
                }
                if (bodyMode == UNTIL_CLOSE) {
                    memberEnded = true;
                    continue;
                }
                LOG.debug("{} closed the connection with the response body to {} incomplete", member,
                        exchange.getRequestURI());
                abort(true);
                return;
            }
            ByteBuffer buf = down;
            int limit = buf.limit();
            buf.limit(buf.position() + (int) available);
            int written;
            try {
                written = responseBody.write(buf);
            } catch (IOException e) {
                buf.limit(limit); // before the close below ends the exchange and returns the buffer
                abort(false);
                return;
            }
            buf.limit(limit);
            if (finished) {
                return;
            }
            if (bodyMode == FIXED) {
                remaining -= written;
            } else if (bodyMode == CHUNKED) {
                chunks.consumed(written);
            }
            if (written < available) {
                holdMemberForClient();
                return;
            }
        }
    }

    /** The client takes no more for now: hold the member back until it does (send_timeout). */
    private void holdMemberForClient() {
        waitOnClient();
        conn.source().suspendReads();
        memberReadsHeld = true;
        if (clientWritable == null) {
            clientWritable = channel -> onClientWritable();
        }
        responseBody.getWriteSetter().set(clientWritable);
        responseBody.resumeWrites();
    }

    /** How many body bytes at the front of {@code down} can go to the client: -1 at the body's end, 0 when more must be read. */
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

    private void onClientWritable() {
        responseBody.suspendWrites();
        if (finished) {
            return;
        }
        stopClock();
        if (memberReadsHeld) {
            memberReadsHeld = false;
            conn.source().resumeReads();
        }
        relayResponse();
    }

    private void responseComplete() {
        responseDone = true;
        stopClock();
        if (down.hasRemaining()) {
            reusable = false; // the member sent more than the response it framed
        }
        releaseDown();
        if (!requestDone) {
            abandonUpload(); // the member answered without (all of) the body: it gets no more of it
            closeConnection();
        }
        StreamSinkChannel sink = responseBody != null ? responseBody : exchange.getResponseChannel();
        if (!finishWrites(sink, this::answerFlushed)) {
            waitOnClient(); // the end of the answer waits on the client
        }
    }

    /**
     * The whole answer is out. If the client is still sending a body nobody will read, Undertow drains
     * it before the exchange ends (nginx's lingering close), for at most {@code client_body_timeout}.
     */
    private void answerFlushed() {
        stopClock();
        if (!requestDone && !finished) {
            startClock(LINGERING, handler.timeouts().clientBody());
            exchange.endExchange();
        }
    }

    // ---- protocol switch

    private void upgrade() {
        upgraded = true;
        conn.source().suspendReads();
        ByteBuffer early = null;
        if (down.hasRemaining()) {
            // The member's first bytes in the new protocol came with its 101: the client gets them first.
            early = ByteBuffer.allocate(down.remaining()).put(down).flip();
        }
        releaseDown();
        MemberConnection c = conn;
        ByteBuffer first = early;
        exchange.upgradeChannel((clientSide, ex) -> Tunnel.start(clientSide, c.detach(), first,
                handler.connector().bufferPool()));
        if (!finishWrites(exchange.getResponseChannel(), NOTHING)) {
            waitOnClient(); // a client that never takes the 101 holds nothing for long
        }
    }

    // ---- failures

    private void onUpstreamError(IOException e) {
        if (finished) {
            return;
        }
        boolean malformed = e instanceof MalformedResponseException;
        if (!responseStarted && reused && received == 0 && !malformed && bodyless && isIdempotent()) {
            // A kept-alive connection the member had already closed: try once more on a fresh one.
            LOG.debug("reused connection to {} failed, retrying on a new one: {}", member, e.toString());
            closeConnection();
            releaseDown();
            unsentHead = null;
            connect();
            return;
        }
        if (malformed) {
            LOG.warn("{} sent an invalid response for {}: {}", member, exchange.getRequestURI(), e.getMessage());
        } else {
            LOG.debug("upstream {} failed: {}", member, e.toString());
        }
        if (member != null) {
            member.onFailure();
        }
        if (responseStarted) {
            abort(false);
        } else {
            fail(UpstreamFailure.BROKEN_RESPONSE);
        }
    }

    /** The upload stops for good: no more reads from the client, no more writes to the member. */
    private void abandonUpload() {
        reusable = false;
        if (upload != null) {
            upload.abandon();
        }
    }

    /** Starts (or restarts) the clock on the member: {@code response_timeout}. */
    private void waitOnMember() {
        startClock(MEMBER_CLOCK, handler.timeouts().response());
    }

    /** Starts (or restarts) the answer's clock on the client: {@code send_timeout}. */
    private void waitOnClient() {
        startClock(CLIENT_READING, handler.timeouts().send());
    }

    private void startClock(int kind, long millis) {
        clock = kind;
        loop.deadlines(millis, exchange.getIoThread()).start(this);
    }

    private void stopClock() {
        clock = NO_CLOCK;
        ResponseDeadlines.stop(this);
    }

    /** Both clocks, once the exchange is over or given up. */
    private void stopClocks() {
        stopClock();
        if (upload != null) {
            upload.stopClock();
        }
    }

    @Override
    void expired() {
        int kind = clock;
        clock = NO_CLOCK;
        if (finished) {
            return;
        }
        if (kind == CLIENT_READING) {
            LOG.debug("the client took none of the answer to {} for {} ms", exchange.getRequestURI(),
                    handler.timeouts().send());
            abort(false);
        } else if (kind == LINGERING) {
            IoUtils.safeClose(exchange.getConnection()); // the client kept sending a body nobody reads
        } else if (responseStarted) {
            // The answer has begun and the member stopped sending it: the client can only be told by
            // the connection ending before the body does.
            LOG.debug("{} sent nothing for {} ms in the middle of the response to {}", member,
                    handler.timeouts().response(), exchange.getRequestURI());
            abort(true);
        } else {
            if (member != null) {
                member.onFailure();
            }
            fail(UpstreamFailure.TIMEOUT);
        }
    }

    /**
     * The client stopped sending its body (nginx's {@code client_body_timeout}): the member connection
     * closes mid-request, so the member never sees the request end, and the client gets 408 if no
     * answer has begun. Nothing more is read from it.
     */
    private void bodyTimedOut() {
        finished = true;
        stopClocks();
        closeConnection();
        if (upload != null) {
            upload.abandon();
        }
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        exchange.setPersistent(false);
        Connectors.terminateRequest(exchange);
        ErrorReply.send(exchange, 408, "request timeout: the request body stopped arriving");
    }

    /** Ends the exchange with an error answer, or by closing the client connection once an answer has begun. */
    private void fail(UpstreamFailure failure) {
        finished = true;
        stopClocks();
        closeConnection();
        exchange.putAttachment(UpstreamProxyHandler.FAILURE, failure);
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
        } else {
            exchange.setPersistent(exchange.isPersistent() && exchange.isRequestComplete());
            ErrorReply.send(exchange, failure.status(), failure.message());
        }
    }

    /** The response is cut short (the member broke off or the client left): both connections end. */
    private void abort(boolean memberSide) {
        finished = true;
        stopClocks();
        if (memberSide && member != null) {
            member.onFailure();
        }
        closeConnection();
        IoUtils.safeClose(exchange.getConnection());
    }

    /**
     * The client's body could not be read: it broke its framing (a malformed chunk size after the head
     * had gone on) or went away. Undertow has closed the client connection already; the member
     * connection closes mid-request, so the member never sees the request end.
     */
    private void clientFailed() {
        finished = true;
        stopClocks();
        closeConnection();
        IoUtils.safeClose(exchange.getConnection());
    }

    private void closeConnection() {
        MemberConnection c = conn;
        if (c != null && !upgraded) {
            c.close();
        }
    }

    // ---- completion

    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener nextListener) {
        try {
            stopClocks();
            MemberState m = member;
            if (m != null) {
                m.onRequestEnd();
            }
            MemberConnection c = conn;
            if (c != null && !upgraded) {
                if (!finished && requestDone && responseDone && reusable && c.isOpen()) {
                    m.pool(ex.getIoThread().getNumber()).offer(c);
                } else {
                    c.close();
                }
            }
            finished = true;
            if (upload != null) {
                upload.release();
            }
            releaseDown();
        } finally {
            nextListener.proceed();
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

    // ---- small parts

    private boolean isIdempotent() {
        HttpString method = exchange.getRequestMethod();
        return method.equals(Methods.GET) || method.equals(Methods.HEAD) || method.equals(Methods.OPTIONS)
                || method.equals(Methods.PUT) || method.equals(Methods.DELETE) || method.equals(Methods.TRACE);
    }

    private String clientIp() {
        String ip = ClientAddress.ip(exchange);
        return ip == null ? "unknown" : ip;
    }

    private static String viaVersion(HttpString protocol) {
        if (protocol.equals(Protocols.HTTP_1_1)) {
            return "1.1";
        }
        if (protocol.equals(Protocols.HTTP_1_0)) {
            return "1.0";
        }
        String text = protocol.toString();
        return text.startsWith("HTTP/") ? text.substring(5) : text;
    }

    @Override
    public boolean contains(MemberState m) {
        for (int i = 0; i < triedCount; i++) {
            if (tried[i] == m) {
                return true;
            }
        }
        return false;
    }

    @Override
    public InetAddress clientAddress() {
        InetSocketAddress peer = exchange.getSourceAddress();
        return peer == null ? null : peer.getAddress();
    }

    @Override
    public String hashSource() {
        return exchange.getRequestURI();
    }

    /**
     * Ends the writes on a sink and flushes it, now or as soon as it can take the rest, then runs
     * {@code flushed}. False when the flush has to wait for the client.
     */
    private static boolean finishWrites(StreamSinkChannel sink, Runnable done) {
        try {
            sink.shutdownWrites();
            if (sink.flush()) {
                sink.getWriteSetter().set(null);
                done.run();
                return true;
            }
            sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                    flushed -> {
                        flushed.suspendWrites();
                        flushed.getWriteSetter().set(null);
                        done.run();
                    },
                    ChannelListeners.closingChannelExceptionHandler()));
            sink.resumeWrites();
            return false;
        } catch (IOException e) {
            IoUtils.safeClose(sink);
            return true;
        }
    }
}
