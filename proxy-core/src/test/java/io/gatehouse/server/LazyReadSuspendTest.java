package io.gatehouse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelListeners;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

class LazyReadSuspendTest {

    /** The socket end: records what reached it and keeps the handler it was given. */
    static final class SocketEnd implements StreamSourceConduit {
        final List<String> calls = new ArrayList<>();
        boolean resumed;
        ReadReadyHandler handler;

        @Override public void resumeReads() { calls.add("resume"); resumed = true; }
        @Override public void suspendReads() { calls.add("suspend"); resumed = false; }
        @Override public void wakeupReads() { calls.add("wakeup"); resumed = true; }
        @Override public boolean isReadResumed() { return resumed; }
        @Override public void setReadReadyHandler(ReadReadyHandler h) { handler = h; }
        @Override public long transferTo(long p, long c, FileChannel t) { return 0; }
        @Override public long transferTo(long c, ByteBuffer b, StreamSinkChannel t) { return 0; }
        @Override public int read(ByteBuffer dst) { return 0; }
        @Override public long read(ByteBuffer[] d, int o, int l) { return 0; }
        @Override public void terminateReads() { }
        @Override public boolean isReadShutdown() { return false; }
        @Override public void awaitReadable() { }
        @Override public void awaitReadable(long t, TimeUnit u) { }
        @Override public XnioIoThread getReadThread() { return null; }
        @Override public XnioWorker getWorker() { return null; }
    }

    static final class CountingHandler implements ReadReadyHandler {
        int ready;
        @Override public void readReady() { ready++; }
        @Override public void forceTermination() { }
        @Override public void terminated() { }
    }

    @Test
    void aSuspendAndResumeOnTheIoThreadNeverReachTheSocket() {
        SocketEnd socket = new SocketEnd();
        LazyReadSuspend lazy = new LazyReadSuspend(socket, Thread.currentThread());
        lazy.resumeReads();
        assertEquals(List.of("resume"), socket.calls);
        for (int i = 0; i < 100; i++) {
            lazy.suspendReads();
            assertFalse(lazy.isReadResumed());
            lazy.resumeReads();
            assertTrue(lazy.isReadResumed());
        }
        assertEquals(List.of("resume"), socket.calls, "request after request: no interest changes on the socket");
    }

    @Test
    void readinessWhileSuspendedMakesTheSuspendRealAndIsNotPassedUp() {
        SocketEnd socket = new SocketEnd();
        LazyReadSuspend lazy = new LazyReadSuspend(socket, Thread.currentThread());
        CountingHandler above = new CountingHandler();
        lazy.setReadReadyHandler(above);
        lazy.resumeReads();
        socket.handler.readReady();
        assertEquals(1, above.ready, "readiness while resumed reaches the reader");

        lazy.suspendReads();
        socket.handler.readReady(); // the client pipelined or closed while its request is handled
        assertEquals(1, above.ready, "nobody above is woken while it does not want to read");
        assertEquals(List.of("resume", "suspend"), socket.calls);
        assertFalse(socket.resumed);

        lazy.resumeReads();
        assertEquals(List.of("resume", "suspend", "resume"), socket.calls, "the later resume is real");
        socket.handler.readReady();
        assertEquals(2, above.ready);
    }

    @Test
    void callsFromOtherThreadsGoStraightToTheSocket() throws Exception {
        SocketEnd socket = new SocketEnd();
        Thread io = new Thread(() -> { });
        LazyReadSuspend lazy = new LazyReadSuspend(socket, io); // this test thread is not the IO thread
        lazy.resumeReads();
        lazy.suspendReads();
        lazy.resumeReads();
        assertEquals(List.of("resume", "suspend", "resume"), socket.calls);
        lazy.wakeupReads();
        assertEquals("wakeup", socket.calls.get(3));
        assertTrue(lazy.isReadResumed());
    }

    /**
     * On a real connection: XNIO's {@code setConduit} does not pass the channel's readiness handler to a
     * new conduit, so {@link LazyReadSuspend#install} must put its gate in front itself. Without it, a
     * reader that suspended (Undertow while it handles a request, the proxy while a member is slow) was
     * woken again and again by bytes it did not want yet, a busy loop on the IO thread.
     */
    @Test
    void installedOnAConnectionBytesArrivingWhileSuspendedWakeTheReaderOnce() throws Exception {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
        try {
            AtomicInteger wakeUps = new AtomicInteger();
            CompletableFuture<Void> installed = new CompletableFuture<>();
            AcceptingChannel<StreamConnection> server = worker.createStreamConnectionServer(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    ChannelListeners.openListenerAdapter(connection -> {
                        LazyReadSuspend.install(connection);
                        ConduitStreamSourceChannel source = connection.getSourceChannel();
                        source.getReadSetter().set(channel -> {
                            wakeUps.incrementAndGet();
                            channel.suspendReads(); // wants nothing now, and reads nothing
                        });
                        source.resumeReads();
                        installed.complete(null);
                    }), OptionMap.EMPTY);
            server.resumeAccepts();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
                    server.getLocalAddress(InetSocketAddress.class).getPort())) {
                installed.get(5, TimeUnit.SECONDS);
                client.getOutputStream().write(new byte[] {1, 2, 3});
                client.getOutputStream().flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (wakeUps.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(300); // long enough for thousands of wake-ups, were the gate missing
                assertEquals(1, wakeUps.get(), "the reader is told once; then the suspend is made real");
            } finally {
                server.close();
            }
        } finally {
            worker.shutdownNow();
        }
    }
}
