package io.gatehouse.upstream;

import io.gatehouse.handler.BodyLimitHandler;
import io.gatehouse.handler.ClientAbort;
import io.gatehouse.handler.ClientAddress;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.handler.RequestIds;
import io.gatehouse.log.ErrorLogLine;
import io.gatehouse.log.UpstreamAttempts;
import io.gatehouse.spi.ResponseTap;
import io.gatehouse.config.model.HashKey;
import io.gatehouse.upstream.balance.RequestHashes;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.http1.HeaderSink;
import io.gatehouse.upstream.http1.ResponseHead;
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
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One client request proxied to a cluster: the adapter between Undertow's server exchange and a
 * {@link MemberExchange}, on the client exchange's IO thread. It is the member exchange's request (the
 * client's method, path and headers, with the forwarding headers added, and its body) and its sink
 * (the answer goes to the client as it comes, back-pressure passed on, a switched protocol tunnelled).
 * Its own clock is the client's: {@code send_timeout} while the client does not take the answer, and
 * {@code client_body_timeout} for a body still coming after the whole answer went out.
 *
 * <p>What did not go as it should is one line in the error log ({@link ErrorLogLine}, logger
 * {@code io.gatehouse.proxy}): WARN for an attempt another member took over from, ERROR for the attempt
 * the client got a 502/503/504 for (a member's own {@code fail_on} answer passed on included) or whose
 * answer was cut short, INFO for a client that left or was too slow (not an error, as nginx logs its
 * 499s). A request that went well costs no line and no work. The request log gets the cluster, the
 * final member and the attempts through {@link UpstreamAttempts}, which this proxy is (attached, not made).
 *
 * <p>A stage may attach a {@link ResponseTap} (the response cache): it then sees the head, may answer
 * the client itself from then on, gets a copy of every body byte, and may keep the member's answer coming
 * after the client left. Without one, none of that costs anything but one attachment lookup.
 */
final class ClientProxy extends ResponseDeadlines.Entry
        implements Runnable, MemberRequest, ResponseSink, RequestKey, ExchangeCompletionListener, UpstreamAttempts {
    /** The error log's lines about proxied requests. */
    private static final Logger ERRORS = LoggerFactory.getLogger("io.gatehouse.proxy");

    private static final Runnable NOTHING = () -> { };

    private static final int NO_CLOCK = 0;
    /** The answer waits on the client to take more of it. */
    private static final int CLIENT_READING = 1;
    /** The whole answer is out; Undertow drains a body nobody reads (for {@code client_body_timeout}). */
    private static final int LINGERING = 2;
    /** An HTTP/2 request announced an empty body and its stream has not ended yet ({@code client_body_timeout}). */
    private static final int EMPTY_BODY = 3;

    private final UpstreamProxyHandler handler;
    private final HttpServerExchange exchange;
    private MemberExchange member;
    private LoopState loop;
    /** Whom this clock waits on: nobody, or the client. */
    private int clock;
    /** The client's protocol version as {@code Via} names it, worked out once. */
    private String via;
    private String target;
    /** The protocols offered to the member for a switch ({@code Upgrade}, never h2c), or null. */
    private String upgradeOffer;
    private boolean hasBody;
    private boolean chunked;
    /** The member's answer has begun here: a failure from now on can only cut it short. */
    private boolean answering;
    private boolean finished;
    private StreamSinkChannel responseBody;
    private ChannelListener<Channel> clientWritable;
    /** The stage's tap on the answer, or null (none, or it said {@link ResponseTap.Next#PASS}). */
    private ResponseTap tap;
    /** The tap answers the client: the member's answer goes to the tap only. */
    private boolean tapAnswered;
    /** The tap is deciding about the head: an exchange that ends now was ended by its own answer. */
    private boolean tapDeciding;
    /** The client is gone but the tap wanted the rest of the answer: it goes to the tap only. */
    private boolean detached;

    ClientProxy(UpstreamProxyHandler handler, HttpServerExchange exchange) {
        this.handler = handler;
        this.exchange = exchange;
    }

    @Override
    public void run() {
        via = viaVersion(exchange.getProtocol());
        HeaderMap headers = exchange.getRequestHeaders();
        hasBody = !exchange.isRequestComplete();
        chunked = hasBody && !headers.contains(Headers.CONTENT_LENGTH);
        if (exchange.getRequestMethod().equals(Methods.GET) && headers.contains(Headers.UPGRADE)) {
            upgradeOffer = ForwardedHeaders.relayableUpgrade(headers);
        }
        target = handler.upstreamPath(exchange);
        tap = exchange.getAttachment(ResponseTap.KEY);
        exchange.addExchangeCompleteListener(this);
        exchange.putAttachment(UpstreamAttempts.KEY, this);
        member = new MemberExchange(handler.cluster(), handler.connector(), handler.timeouts(), exchange.getIoThread(),
                this, this, this);
        if (hasBody && !chunked && exchange.getRequestContentLength() == 0) {
            awaitEmptyBodyEnd();
            return;
        }
        member.start();
    }

    /**
     * Over HTTP/2, {@code content-length: 0} on a stream that has not ended: the member would take the
     * head alone as the whole request, so it goes up only once the stream has ended without DATA, as a
     * request without a body. DATA instead contradicts the length: the client's stream is reset and the
     * member never hears of the request. (Over HTTP/1.1 such a request is complete at its head.)
     */
    private void awaitEmptyBodyEnd() {
        StreamSourceChannel body = exchange.getRequestChannel();
        if (body == null) {
            failed(new Outcome(Outcome.Kind.REQUEST_BODY_FAILED, null, -1, 0, "the request body could not be read"));
            return;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        ChannelListener<StreamSourceChannel> reader = channel -> {
            if (finished) {
                channel.suspendReads();
                return;
            }
            int n;
            try {
                n = channel.read(one.clear());
            } catch (IOException e) {
                n = 1;
            }
            if (n == 0) {
                if (clock == NO_CLOCK) {
                    startClock(EMPTY_BODY, handler.timeouts().clientBody());
                }
                channel.resumeReads();
                return;
            }
            stopClock();
            channel.suspendReads();
            channel.getReadSetter().set(null);
            if (n > 0) {
                finish();
                if (ERRORS.isInfoEnabled()) {
                    ERRORS.info(line(null, "the client sent DATA after content-length: 0", "stream reset", -1));
                }
                ClientAbort.abort(exchange, null);
                return;
            }
            hasBody = false;
            member.start();
        };
        body.getReadSetter().set(reader);
        reader.handleEvent(body);
    }

    // ---- the request, as the member exchange sends it

    @Override
    public HttpString method() {
        return exchange.getRequestMethod();
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public void writeHead(HeaderSink head, MemberState to) {
        HeaderMap in = exchange.getRequestHeaders();
        RequestIds ids = exchange.getAttachment(RequestIds.KEY);
        ForwardedHeaders.writeRequest(in, head, clientIp(), exchange.getRequestScheme(), via, upgradeOffer,
                ids == null ? "-" : ids.gtid(), handler.identity(), handler.user(exchange));
        if (!in.contains(Headers.HOST)) {
            head.header(Headers.HOST, to.key().address().toString());
        }
    }

    @Override
    public boolean hasBody() {
        return hasBody;
    }

    @Override
    public boolean chunked() {
        return chunked;
    }

    @Override
    public long bodyLength() {
        return hasBody && !chunked ? exchange.getRequestContentLength() : -1;
    }

    @Override
    public StreamSourceChannel openBody() {
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
                    abort("the client closed the connection before sending its body");
                }
            });
        }
        return exchange.getRequestChannel();
    }

    @Override
    public String upgradeOffer() {
        return upgradeOffer;
    }

    @Override
    public boolean idempotent() {
        HttpString method = exchange.getRequestMethod();
        return method.equals(Methods.GET) || method.equals(Methods.HEAD) || method.equals(Methods.OPTIONS)
                || method.equals(Methods.PUT) || method.equals(Methods.DELETE) || method.equals(Methods.TRACE);
    }

    // ---- the answer, as the member exchange delivers it

    @Override
    public void head(ResponseHead head, long bodyLength) {
        answering = true;
        int status = head.status();
        if (member.passesFailStatus() && ERRORS.isErrorEnabled()) {
            // No other member could take the request over: the member's own answer goes to the client.
            ERRORS.error(line(member.member(), "upstream answered " + status + " (fail_on), no other member to"
                    + " take the request", "the member's " + status + " to the client", member.attempts(),
                    member.toHeadNanos()));
        }
        boolean switching = status == 101;
        exchange.setStatusCode(status);
        ForwardedHeaders.copyResponse(head, exchange.getResponseHeaders(), via, switching);
        if (!member.requestSent()) {
            // The member answers before it has the whole body: this client connection ends after the
            // answer (what is left of the body is drained, not read as a next request).
            exchange.setPersistent(false);
        }
        if (switching) {
            tap = null; // a tunnel is nobody's to copy
            return;
        }
        if (tap != null) {
            tapDeciding = true;
            ResponseTap.Next next;
            try {
                next = tap.head(exchange, bodyLength);
            } finally {
                tapDeciding = false;
            }
            if (next == ResponseTap.Next.ANSWERED) {
                tapAnswered = true;
                return;
            }
            if (next == ResponseTap.Next.PASS) {
                tap = null;
            }
        }
        if (bodyLength < 0 && exchange.getProtocol().equals(Protocols.HTTP_1_1)) {
            // A body of unknown length goes to an HTTP/1.1 client in chunks even when its connection
            // closes after it (as nginx does): a body cut short can then be told from a whole one.
            exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
        }
        responseBody = exchange.getResponseChannel();
    }

    /** True when the answer goes to the tap only (it answers the client, or the client is gone). */
    private boolean tapOnly() {
        return tapAnswered || detached;
    }

    @Override
    public boolean body(ByteBuffer chunk) {
        if (tapOnly()) {
            tap.body(chunk);
            chunk.position(chunk.limit());
            return true;
        }
        int from = chunk.position();
        try {
            responseBody.write(chunk);
        } catch (IOException e) {
            abort("the client closed the connection");
            if (detached) {
                return body(chunk);
            }
            return false;
        }
        if (tap != null && chunk.position() > from) {
            ByteBuffer written = chunk.duplicate();
            written.position(from).limit(chunk.position());
            tap.body(written);
        }
        if (chunk.hasRemaining()) {
            waitForClient();
            return false;
        }
        return true;
    }

    @Override
    public boolean flush() {
        if (tapOnly()) {
            return true;
        }
        try {
            if (responseBody.flush()) {
                return true;
            }
        } catch (IOException e) {
            abort("the client closed the connection");
            return false;
        }
        waitForClient();
        return false;
    }

    /** The client takes no more for now: the member waits until it does, for at most {@code send_timeout}. */
    private void waitForClient() {
        startClock(CLIENT_READING, handler.timeouts().send());
        if (clientWritable == null) {
            clientWritable = channel -> onClientWritable();
        }
        responseBody.getWriteSetter().set(clientWritable);
        responseBody.resumeWrites();
    }

    private void onClientWritable() {
        responseBody.suspendWrites();
        if (finished) {
            return;
        }
        stopClock();
        member.resume();
    }

    @Override
    public void end() {
        if (tap != null) {
            tap.end();
            if (tapOnly()) {
                finish();
                return;
            }
        }
        StreamSinkChannel sink = responseBody != null ? responseBody : exchange.getResponseChannel();
        if (!finishWrites(sink, this::answerFlushed)) {
            startClock(CLIENT_READING, handler.timeouts().send()); // the end of the answer waits on the client
        }
    }

    /**
     * The whole answer is out. If the client is still sending a body nobody will read, Undertow drains
     * it before the exchange ends (nginx's lingering close), for at most {@code client_body_timeout}.
     */
    private void answerFlushed() {
        stopClock();
        if (!member.requestSent() && !finished) {
            startClock(LINGERING, handler.timeouts().clientBody());
            exchange.endExchange();
        }
    }

    @Override
    public void switched(StreamConnection memberSide, ByteBuffer early) {
        exchange.upgradeChannel((clientSide, ex) -> Tunnel.start(clientSide, memberSide, early,
                handler.connector().bufferPool()));
        if (!finishWrites(exchange.getResponseChannel(), NOTHING)) {
            startClock(CLIENT_READING, handler.timeouts().send()); // a client that never takes the 101 holds nothing for long
        }
    }

    @Override
    public void attemptFailed(Outcome outcome) {
        if (ERRORS.isWarnEnabled()) {
            ERRORS.warn(line(outcome.member(), outcome.reason(), "trying the next member", member.attempts(),
                    outcome.toEndNanos()));
        }
    }

    @Override
    public void failed(Outcome outcome) {
        if (tap != null && tapOnly()) {
            finish();
            tap.failed(exchange, outcome.kind(), true);
            return;
        }
        if (finished) {
            return;
        }
        if (tap != null && tappedFailure(outcome)) {
            return;
        }
        switch (outcome.kind()) {
            case REQUEST_BODY_TIMEOUT:
                bodyTimedOut(outcome);
                return;
            case REQUEST_BODY_FAILED:
                long limit = BodyLimitHandler.exceededLimit(exchange);
                if (limit >= 0) {
                    bodyTooLarge(outcome, limit);
                    return;
                }
                // The client broke its body's framing (after the head had gone on) or went away: Undertow
                // has closed its connection already, and the member never saw the request end.
                if (ERRORS.isInfoEnabled()) {
                    ERRORS.info(line(outcome.member(), "the client's request body broke off (the client left or"
                            + " broke its framing); the member never saw the request end",
                            answering ? cutShort() : "no answer sent", -1));
                }
                finish();
                ClientAbort.abort(exchange, responseBody);
                return;
            default:
                break;
        }
        finish();
        if (answering || exchange.isResponseStarted()) {
            if (ERRORS.isErrorEnabled()) {
                ERRORS.error(line(outcome.member(), outcome.reason(), cutShort(), outcome.toEndNanos()));
            }
            ClientAbort.abort(exchange, responseBody); // the answer has begun: it can only be cut short
            return;
        }
        UpstreamFailure failure = UpstreamFailure.of(outcome.kind());
        if (ERRORS.isErrorEnabled()) {
            ERRORS.error(line(outcome.member(), outcome.reason(),
                    failure.status() + " to the client", member.attempts(),
                    outcome.member() == null ? -1 : outcome.toEndNanos()));
        }
        if (failure == UpstreamFailure.OVERLOADED) {
            // RFC 9110 §10.2.3: when to come back. The queue's wait: by then every request that was
            // waiting when this one was refused has been served or given up.
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER,
                    UpstreamFailure.retryAfterSeconds(handler.cluster().policy().queueTimeout().toMillis()));
        }
        exchange.putAttachment(UpstreamProxyHandler.FAILURE, failure);
        exchange.setPersistent(exchange.isPersistent() && exchange.isRequestComplete());
        ErrorReply.send(exchange, failure.status(), failure.message());
    }

    /**
     * Tells the tap the answer failed; true when the tap answered the client itself (a stale stored copy,
     * only possible before any answer began and when the request's own body is not at fault).
     */
    private boolean tappedFailure(Outcome outcome) {
        Outcome.Kind kind = outcome.kind();
        boolean begun = answering || exchange.isResponseStarted();
        if (begun || kind == Outcome.Kind.REQUEST_BODY_TIMEOUT || kind == Outcome.Kind.REQUEST_BODY_FAILED) {
            tap.failed(exchange, kind, begun);
            return false;
        }
        if (!tap.failed(exchange, kind, false)) {
            return false;
        }
        finish();
        if (ERRORS.isErrorEnabled()) {
            ERRORS.error(line(outcome.member(), outcome.reason(), "a stale stored copy to the client",
                    member.attempts(), outcome.member() == null ? -1 : outcome.toEndNanos()));
        }
        return true;
    }

    /**
     * The client stopped sending its body (nginx's {@code client_body_timeout}): the member connection
     * has closed mid-request, so the member never sees the request end; the client gets 408 if no
     * answer has begun. Nothing more is read from it.
     */
    private void bodyTimedOut(Outcome outcome) {
        stopBody(outcome.member(), outcome.reason() + " (client_body_timeout)", -1, false, 408,
                "request timeout: the request body stopped arriving");
    }

    /**
     * The body passed {@code max_body_size} while going up (it had no {@code Content-Length}): the member
     * connection has closed mid-request, so the member never sees the request end; the client gets 413
     * if no answer has begun, else its connection ends. Nothing more is read from it.
     */
    private void bodyTooLarge(Outcome outcome, long limit) {
        stopBody(outcome.member(), "request body larger than max_body_size (" + limit + " bytes)",
                outcome.toEndNanos(), true, 413, BodyLimitHandler.message(limit));
    }

    /**
     * The request body goes no further: the client gets {@code status} if no answer has begun, else its
     * connection ends; one line in the error log, at ERROR or (the client's doing) INFO.
     */
    private void stopBody(MemberState to, String what, long attemptNanos, boolean error, int status, String message) {
        finish();
        boolean started = answering || exchange.isResponseStarted();
        if (error ? ERRORS.isErrorEnabled() : ERRORS.isInfoEnabled()) {
            String line = line(to, what, started ? cutShort() : status + " to the client", attemptNanos);
            if (error) {
                ERRORS.error(line);
            } else {
                ERRORS.info(line);
            }
        }
        if (started) {
            ClientAbort.abort(exchange, responseBody);
            return;
        }
        exchange.setPersistent(false);
        Connectors.terminateRequest(exchange);
        ErrorReply.send(exchange, status, message);
    }

    // ---- the client's clock and the end

    private void startClock(int kind, long millis) {
        clock = kind;
        if (loop == null) {
            loop = LoopState.current(); // only a slow client needs it: not looked up per request
        }
        loop.deadlines(millis, exchange.getIoThread()).start(this);
    }

    private void stopClock() {
        clock = NO_CLOCK;
        ResponseDeadlines.stop(this);
    }

    @Override
    void expired() {
        int kind = clock;
        clock = NO_CLOCK;
        if (finished) {
            return;
        }
        if (kind == CLIENT_READING) {
            abort("the client took none of the answer for " + handler.timeouts().send() + " ms (send_timeout)");
        } else if (kind == EMPTY_BODY) {
            abort("the client neither ended nor sent its announced empty body for " + handler.timeouts().clientBody()
                    + " ms (client_body_timeout)");
        } else if (kind == LINGERING) {
            finish();
            if (ERRORS.isInfoEnabled()) {
                ERRORS.info(line(member.member(), "the client kept sending a request body nobody reads for "
                        + handler.timeouts().clientBody() + " ms after the answer (client_body_timeout)",
                        "connection closed", -1));
            }
            ClientAbort.abort(exchange, responseBody); // the client kept sending a body nobody reads
        }
    }

    /**
     * Gives up on both sides because of the client ({@code why}: it left, or was too slow): the member
     * exchange is cancelled and the client's request aborted. Logged at INFO: not an error (nginx's 499).
     */
    private void abort(String why) {
        if (finished) {
            return;
        }
        finish();
        if (ERRORS.isInfoEnabled()) {
            ERRORS.info(line(member.member(), why, answering ? cutShort() : "no answer sent", -1));
        }
        giveUpOnMember();
        ClientAbort.abort(exchange, responseBody);
    }

    /**
     * The client is gone: the member exchange is cancelled, unless a tap copying the answer wants the rest
     * of it (others wait on it), which then goes to the tap only.
     */
    private void giveUpOnMember() {
        MemberExchange m = member;
        if (m == null || m.isFinished()) {
            return;
        }
        if (tap != null) {
            if (tap.continueWithoutClient()) {
                detached = true;
                return;
            }
            tap.failed(exchange, Outcome.Kind.CANCELLED, answering);
        }
        m.cancel();
    }

    /** The error log's line about this request ({@link ErrorLogLine}); only built when it is written. */
    private String line(MemberState to, String what, String then, long attemptNanos) {
        return line(to, what, then, member == null ? 1 : member.attempts(), attemptNanos);
    }

    /** As {@link #line(MemberState, String, String, long)}, about attempt number {@code attempt}. */
    private String line(MemberState to, String what, String then, int attempt, long attemptNanos) {
        RequestIds ids = exchange.getAttachment(RequestIds.KEY);
        return ErrorLogLine.of(ids == null ? null : ids.gtid(), exchange, handler.cluster().name(),
                to == null ? null : to.endpoint().label(), what, then, attempt, attemptNanos);
    }

    private String cutShort() {
        return "answer cut short after " + exchange.getResponseBytesSent() + " bytes";
    }

    private void finish() {
        finished = true;
        stopClock();
    }

    /**
     * The client's exchange ended. With the member's answer whole (or a failure already handled) there is
     * nothing to do; otherwise the client connection ended under it (the client left, and Undertow
     * noticed first): the member exchange is cancelled, and that is a line at INFO, as a 499.
     */
    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener nextListener) {
        try {
            if (tapDeciding || tapAnswered) {
                // The tap answered the client itself and that answer ended: the member's answer still
                // goes to the tap (a 304, a small error), so its connection is kept.
                tapAnswered = true;
            } else if (!finished) {
                finish();
                MemberExchange m = member;
                if (m != null && !m.isFinished()) {
                    if (ERRORS.isInfoEnabled()) {
                        ERRORS.info(line(m.member(), "the client closed the connection",
                                answering ? cutShort() : "no answer sent", -1));
                    }
                    giveUpOnMember();
                }
            }
        } finally {
            nextListener.proceed();
        }
    }

    // ---- what the request log keeps of it (UpstreamAttempts)

    @Override
    public String cluster() {
        return handler.cluster().name();
    }

    @Override
    public String member() {
        MemberExchange m = member;
        MemberState to = m == null ? null : m.member();
        return to == null ? null : to.endpoint().label();
    }

    @Override
    public int attempts() {
        MemberExchange m = member;
        return m == null ? 0 : m.attempts();
    }

    // ---- what pickers may ask of the request

    @Override
    public long hash(HashKey key) {
        return RequestHashes.of(exchange, key);
    }

    // ---- small parts

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
            org.xnio.IoUtils.safeClose(sink);
            return true;
        }
    }
}
