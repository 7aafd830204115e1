package io.gatehouse.server;

import io.gatehouse.handler.ClientAbort;
import io.gatehouse.handler.ErrorReply;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.undertow.util.AttachmentKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds an HTTP/2 client to the concurrent streams Gatehouse advertises in its SETTINGS
 * ({@code SETTINGS_MAX_CONCURRENT_STREAMS}): Undertow sends the limit but lets a client open more, so
 * the streams of one connection being served are counted here, and a stream over the limit is answered
 * {@code 503} at once, before routing, without reaching a member (or, when its body is still to come,
 * reset, since an answer would first wait for that body). Only the HTTP/2 listener's root is
 * wrapped: HTTP/1.1 pays nothing.
 */
final class Http2StreamLimit implements HttpHandler {
    private static final AttachmentKey<AtomicInteger> OPEN = AttachmentKey.create(AtomicInteger.class);
    private static final VarHandle CHANNEL;

    static {
        try {
            CHANNEL = MethodHandles.privateLookupIn(Http2ServerConnection.class, MethodHandles.lookup())
                    .findVarHandle(Http2ServerConnection.class, "channel", Http2Channel.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int maxStreams;
    private final HttpHandler next;

    Http2StreamLimit(int maxStreams, HttpHandler next) {
        this.maxStreams = maxStreams;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!(exchange.getConnection() instanceof Http2ServerConnection connection)) {
            next.handleRequest(exchange);
            return;
        }
        Http2Channel channel = (Http2Channel) CHANNEL.get(connection);
        AtomicInteger open = channel.getAttachment(OPEN);
        if (open == null) {
            open = new AtomicInteger();
            channel.putAttachment(OPEN, open);
        }
        AtomicInteger counted = open;
        counted.incrementAndGet();
        exchange.addExchangeCompleteListener((ExchangeCompletionListener) (ex, nextListener) -> {
            counted.decrementAndGet();
            nextListener.proceed();
        });
        if (counted.get() > maxStreams) {
            if (exchange.isRequestComplete()) {
                ErrorReply.send(exchange, 503, "too many concurrent streams on this connection (at most " + maxStreams + ")");
            } else {
                // An answer would wait for the body to be drained, which the client may never send:
                // reset the stream (this one only) instead of holding it open.
                ClientAbort.abort(exchange, null);
            }
            return;
        }
        next.handleRequest(exchange);
    }
}
