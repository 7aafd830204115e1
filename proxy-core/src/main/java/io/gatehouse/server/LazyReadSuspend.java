package io.gatehouse.server;

import org.xnio.StreamConnection;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Makes "stop reading this client" cheap. Undertow suspends reads on a client connection when a
 * request head is complete and resumes them when the response is done; on the socket each suspend
 * and resume is an {@code epoll_ctl} system call, two per request, while the client, waiting for its
 * answer, almost never sends anything in between.
 *
 * <p>This conduit sits right above the socket and only <em>records</em> a suspend made on the IO
 * thread. The socket stays registered for reads; if it does become readable while reads are logically
 * suspended (a pipelined request, the client closing), the suspend is made real at that moment and
 * nobody above is told. A resume after a recorded suspend costs nothing. Suspends and resumes from
 * other threads go straight to the socket, as before.
 */
public final class LazyReadSuspend extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final Thread ioThread;
    /** What the layers above asked for. */
    private volatile boolean wanted;
    /** Whether the socket below is registered for reads. */
    private volatile boolean armed;

    /** @param ioThread the thread that owns the socket's selector (the connection's IO thread) */
    LazyReadSuspend(StreamSourceConduit next, Thread ioThread) {
        super(next);
        this.ioThread = ioThread;
        this.wanted = next.isReadResumed();
        this.armed = wanted;
    }

    /** Puts the conduit directly above {@code connection}'s socket. Call before any other conduit is added. */
    public static void install(StreamConnection connection) {
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        LazyReadSuspend lazy = new LazyReadSuspend(source.getConduit(), connection.getIoThread());
        source.setConduit(lazy);
        // XNIO's setConduit keeps the channel's readiness handler on the socket conduit below, where it
        // would pass the gate by: hand it over again through this conduit, which puts the gate in front.
        lazy.setReadReadyHandler(new ReadReadyHandler.ChannelListenerHandler<>(source));
    }

    @Override
    public void setReadReadyHandler(ReadReadyHandler handler) {
        next.setReadReadyHandler(handler == null ? null : new Gate(handler));
    }

    @Override
    public void suspendReads() {
        wanted = false;
        if (Thread.currentThread() != ioThread) {
            armed = false;
            next.suspendReads();
        }
    }

    @Override
    public void resumeReads() {
        wanted = true;
        if (!armed || Thread.currentThread() != ioThread) {
            armed = true;
            next.resumeReads();
        }
    }

    @Override
    public void wakeupReads() {
        wanted = true;
        armed = true;
        next.wakeupReads();
    }

    @Override
    public boolean isReadResumed() {
        return wanted;
    }

    /** Passes readiness up only while reads are wanted; otherwise makes the pending suspend real. */
    private final class Gate implements ReadReadyHandler {
        private final ReadReadyHandler delegate;

        Gate(ReadReadyHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void readReady() {
            if (wanted) {
                delegate.readReady();
                return;
            }
            armed = false;
            next.suspendReads();
            if (wanted) {
                // resumed from another thread meanwhile: undo, so the resume is not lost
                armed = true;
                next.resumeReads();
            }
        }

        @Override
        public void forceTermination() {
            delegate.forceTermination();
        }

        @Override
        public void terminated() {
            delegate.terminated();
        }
    }
}
