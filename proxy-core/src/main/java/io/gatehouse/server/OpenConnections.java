package io.gatehouse.server;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.StreamConnection;

/**
 * Client connections open now, over every listener (HTTP/1.1 and HTTP/2, plain and TLS), for the
 * metrics. A connection is counted once Undertow has taken it over ({@link #track}) and uncounted when
 * it closes; counting costs one small object per connection and nothing per request.
 */
public final class OpenConnections {
    private final LongAdder open = new LongAdder();

    /** Connections open now. */
    public long count() {
        return open.sum();
    }

    /**
     * Counts {@code connection} until it closes. Call it after Undertow's open listener has handled the
     * connection, since that sets the connection's close listener (which is kept and still called).
     */
    public void track(StreamConnection connection) {
        open.increment();
        Closing closing = new Closing(connection.getCloseListener());
        connection.setCloseListener(closing);
        if (!connection.isOpen()) {
            // closed while being set up: its close listener has run already
            closing.uncount();
        }
    }

    private final class Closing implements ChannelListener<StreamConnection> {
        private static final AtomicIntegerFieldUpdater<Closing> DONE =
                AtomicIntegerFieldUpdater.newUpdater(Closing.class, "done");
        private final ChannelListener<? super StreamConnection> next;
        private volatile int done;

        Closing(ChannelListener<? super StreamConnection> next) {
            this.next = next;
        }

        void uncount() {
            if (DONE.compareAndSet(this, 0, 1)) {
                open.decrement();
            }
        }

        @Override
        public void handleEvent(StreamConnection connection) {
            uncount();
            if (next != null) {
                ChannelListeners.invokeChannelListener(connection, next);
            }
        }
    }
}
