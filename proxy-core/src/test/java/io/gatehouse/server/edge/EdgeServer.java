package io.gatehouse.server.edge;

import io.gatehouse.handler.ErrorReply;
import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * A real Undertow HTTP/1.1 listener on 127.0.0.1, port 0, built as Gatehouse builds its listeners:
 * XNIO worker, {@link HttpOpenListener}, an open-listener adapter that installs the edge conduit on
 * each connection. Chain: error rendering, {@link EdgeRejectionHandler}, then an "upstream" stand-in
 * that records each request it sees and answers with the length of the body it read.
 */
final class EdgeServer implements AutoCloseable {
    /** {@code METHOD target} of every request that reached the stand-in, in arrival order. */
    final List<String> seen = new CopyOnWriteArrayList<>();
    final int port;
    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> server;
    private final DefaultByteBufferPool pool;

    EdgeServer(EdgeLimits limits, int undertowBufferSize) throws IOException {
        HttpHandler upstream = exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getRequestReceiver().receiveFullBytes((ex, body) ->
                    ex.getResponseSender().send("seen " + ex.getRequestURI() + " length " + body.length));
        };
        HttpHandler edge = new EdgeRejectionHandler(upstream);
        HttpHandler root = exchange -> {
            // stands in for JsonErrorHandler: renders ErrorReply as "<status> <message>"
            exchange.addDefaultResponseListener(ex -> {
                ErrorReply reply = ex.getAttachment(ErrorReply.KEY);
                if (reply == null) {
                    return false;
                }
                ex.getResponseSender().send(reply.status() + " " + reply.message());
                return true;
            });
            edge.handleRequest(exchange);
        };

        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 1)
                .set(Options.WORKER_TASK_CORE_THREADS, 2)
                .set(Options.WORKER_TASK_MAX_THREADS, 2)
                .getMap());
        pool = new DefaultByteBufferPool(true, undertowBufferSize);
        HttpOpenListener openListener = new HttpOpenListener(pool, OptionMap.EMPTY);
        openListener.setRootHandler(root);
        ChannelListener<AcceptingChannel<StreamConnection>> accept = ChannelListeners.openListenerAdapter(
                (ChannelListener<StreamConnection>) connection -> {
                    StrictFramingConduit.install(connection, limits);
                    openListener.handleEvent(connection);
                });
        server = worker.createStreamConnectionServer(new InetSocketAddress("127.0.0.1", 0), accept,
                OptionMap.builder().set(Options.TCP_NODELAY, true).set(Options.REUSE_ADDRESSES, true).getMap());
        server.resumeAccepts();
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** The recorded requests whose target starts with {@code prefix}. */
    List<String> seenUnder(String prefix) {
        return seen.stream().filter(s -> s.substring(s.indexOf(' ') + 1).startsWith(prefix)).toList();
    }

    @Override
    public void close() throws Exception {
        server.close();
        worker.shutdownNow();
        worker.awaitTermination(5, TimeUnit.SECONDS);
        pool.close();
    }
}
