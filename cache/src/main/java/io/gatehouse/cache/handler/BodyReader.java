package io.gatehouse.cache.handler;

import io.gatehouse.handler.ClientAbort;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * Streams a {@link GrowingBody} to one client as it grows, on the client's IO thread, at the client's
 * pace: a client that catches up waits for the next chunk; one that cannot take more is written to when
 * its socket can. A body that breaks off (the origin failed, or it passed {@code cache_max_object}) cuts
 * the answer short, as it would have been cut short for the first client. The head is already set on
 * the exchange.
 */
final class BodyReader {
    private final HttpServerExchange exchange;
    private final GrowingBody body;
    private final Runnable wake;
    private StreamSinkChannel channel;
    private ByteBuffer current;
    private int index;
    private boolean done;

    BodyReader(HttpServerExchange exchange, GrowingBody body) {
        this.exchange = exchange;
        this.body = body;
        this.wake = () -> exchange.getIoThread().execute(this::pump);
    }

    /** Starts writing; on the exchange's IO thread. */
    void start() {
        channel = exchange.getResponseChannel();
        channel.getWriteSetter().set(c -> {
            c.suspendWrites();
            pump();
        });
        pump();
    }

    private void pump() {
        if (done) {
            return;
        }
        try {
            while (true) {
                if (current == null || !current.hasRemaining()) {
                    current = body.next(index, wake);
                    if (current == null) {
                        if (body.isWhole()) {
                            finish();
                        } else if (body.isBroken()) {
                            cutShort();
                        }
                        return; // else woken by the next chunk
                    }
                    index++;
                }
                channel.write(current);
                if (current.hasRemaining()) {
                    channel.resumeWrites();
                    return;
                }
            }
        } catch (IOException e) {
            cutShort();
        }
    }

    private void finish() {
        done = true;
        try {
            channel.shutdownWrites();
            if (channel.flush()) {
                channel.getWriteSetter().set(null);
                exchange.endExchange();
                return;
            }
            channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                    c -> {
                        c.getWriteSetter().set(null);
                        exchange.endExchange();
                    },
                    ChannelListeners.closingChannelExceptionHandler()));
            channel.resumeWrites();
        } catch (IOException e) {
            IoUtils.safeClose(channel);
        }
    }

    private void cutShort() {
        done = true;
        ClientAbort.abort(exchange, channel);
    }
}
