package io.gatehouse.handler;

import io.gatehouse.log.ErrorLogLine;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.ConduitFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * A site's {@code max_body_size}, nginx's {@code client_max_body_size}: a request whose
 * {@code Content-Length} is larger gets 413 at once, before anything reads its body or routes it on
 * (the body is never read, {@code Expect: 100-continue} is never answered with 100, and the connection
 * closes after the answer); a body of unknown length (chunked) is counted as it is read, and the read
 * that passes the limit fails with {@link TooLarge}: a proxied request then gets 413 if no answer has
 * begun (its member connection is closed, so the member never sees the request end), and a route that
 * does not read bodies (files, fixed answers, redirects) has its connection closed when the rest of the
 * body is drained after the answer. The 413s are ERROR lines in the error log, as nginx's "client
 * intended to send too large body". Only routes of a site with a limit have this handler: without one,
 * nothing is checked or counted.
 */
public final class BodyLimitHandler implements HttpHandler {
    /** Set on an exchange whose body passed the limit while being read: the limit, in bytes. */
    private static final AttachmentKey<Long> EXCEEDED = AttachmentKey.create(Long.class);

    private static final Logger ERRORS = LoggerFactory.getLogger("io.gatehouse.request");

    private final long limit;
    private final HttpHandler next;

    private BodyLimitHandler(long limit, HttpHandler next) {
        this.limit = limit;
        this.next = Objects.requireNonNull(next, "next");
    }

    /** {@code next} behind a limit of {@code maxBodySize} bytes; {@code next} itself when it is 0 (no limit). */
    public static HttpHandler wrap(long maxBodySize, HttpHandler next) {
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize: " + maxBodySize + " (expected: >= 0, 0 for no limit)");
        }
        return maxBodySize == 0 ? next : new BodyLimitHandler(maxBodySize, next);
    }

    /** The {@code max_body_size} that {@code exchange}'s body passed while being read, or -1 if it did not. */
    public static long exceededLimit(HttpServerExchange exchange) {
        Long limit = exchange.getAttachment(EXCEEDED);
        return limit == null ? -1 : limit;
    }

    /** The JSON error's message for a body over {@code limit} bytes. */
    public static String message(long limit) {
        return "payload too large: the request body is larger than " + limit + " bytes";
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long length = exchange.getRequestContentLength();
        if (length > limit) {
            log(exchange, "request body of " + length + " bytes is larger than max_body_size (" + limit + " bytes)");
            exchange.setPersistent(false);
            ErrorReply.send(exchange, 413, message(limit));
            return;
        }
        if (length < 0 && !exchange.isRequestComplete()) {
            exchange.addRequestWrapper((ConduitFactory<StreamSourceConduit> factory, HttpServerExchange ex)
                    -> new Counting(factory.create(), ex, limit));
        }
        next.handleRequest(exchange);
    }

    private static void log(HttpServerExchange exchange, String what) {
        if (ERRORS.isErrorEnabled()) {
            RequestIds ids = exchange.getAttachment(RequestIds.KEY);
            ERRORS.error(ErrorLogLine.of(ids == null ? null : ids.gtid(), exchange, null, null, what,
                    "413 to the client", -1));
        }
    }

    /** The read that took a body past {@code max_body_size}, and every read after it. */
    public static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the request body is larger than max_body_size (" + limit + " bytes)");
        }
    }

    /** Counts the body's bytes as they are read; the read that passes the limit fails. */
    private static final class Counting extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final HttpServerExchange exchange;
        private final long limit;
        private long read;

        Counting(StreamSourceConduit next, HttpServerExchange exchange, long limit) {
            super(next);
            this.exchange = exchange;
            this.limit = limit;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            check();
            return counted(next.read(dst));
        }

        @Override
        public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
            check();
            long n = next.read(dsts, offs, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return IoUtils.transfer(new ConduitReadableByteChannel(this), count, throughBuffer, target);
        }

        private void check() throws TooLarge {
            if (read > limit) {
                throw new TooLarge(limit);
            }
        }

        private int counted(int n) throws TooLarge {
            counted((long) n);
            return n;
        }

        private void counted(long n) throws TooLarge {
            if (n <= 0) {
                return;
            }
            read += n;
            if (read > limit) {
                exchange.putAttachment(EXCEEDED, limit); // whoever reads it answers and logs it
                throw new TooLarge(limit);
            }
        }
    }
}
