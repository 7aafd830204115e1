package io.gatehouse.cache.handler;

import io.gatehouse.handler.ClientAbort;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListeners;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

/**
 * Streams a body from the cache to one client, on the client's IO thread, at the client's pace: a stored
 * entry's buffers ({@link GrowingBody#whole}), or a {@link GrowingBody} as it grows, where a client that
 * catches up waits for the next chunk. A client that cannot take more is written to when its socket can,
 * and is let go when it takes nothing for {@code send_timeout} (as nginx's, and as for a proxied answer);
 * the timer is armed only while the client holds the answer back. A body that breaks off (the origin
 * failed, or it passed {@code cache_max_object}) cuts the answer short, as it would have been cut short
 * for the first client. The head is already set on the exchange.
 */
final class BodyReader {
    private final HttpServerExchange exchange;
    private final GrowingBody body;
    private final Runnable wake;
    private final long sendTimeoutMs;
    private XnioExecutor.Key timer;
    private StreamSinkChannel channel;
    private ByteBuffer current;
    private int index;
    private boolean done;

    BodyReader(HttpServerExchange exchange, GrowingBody body, long sendTimeoutMs) {
        this.exchange = exchange;
        this.body = body;
        this.sendTimeoutMs = sendTimeoutMs;
        this.wake = () -> exchange.getIoThread().execute(this::pump);
    }

    /** Starts writing; on the exchange's IO thread. */
    void start() {
        channel = exchange.getResponseChannel();
        channel.getWriteSetter().set(c -> {
            c.suspendWrites();
            stopClock();
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
                    startClock();
                    return;
                }
            }
        } catch (IOException e) {
            cutShort();
        }
    }

    /** The client holds the answer back: it has {@code send_timeout} to take more. */
    private void startClock() {
        if (timer == null && sendTimeoutMs > 0) {
            timer = exchange.getIoThread().executeAfter(this::timedOut, sendTimeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    private void stopClock() {
        if (timer != null) {
            timer.remove();
            timer = null;
        }
    }

    private void timedOut() {
        timer = null;
        if (!exchange.isResponseComplete()) {
            cutShort(); // took nothing for send_timeout
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
                        stopClock();
                        c.getWriteSetter().set(null);
                        exchange.endExchange();
                    },
                    ChannelListeners.closingChannelExceptionHandler()));
            channel.resumeWrites();
            startClock(); // the client still has to take the rest: send_timeout applies
        } catch (IOException e) {
            IoUtils.safeClose(channel);
        }
    }

    private void cutShort() {
        done = true;
        stopClock();
        ClientAbort.abort(exchange, channel);
    }
}
