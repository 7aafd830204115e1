package io.gatehouse.handler;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * Streams bytes {@code [first, first + length)} of an open file to the response without reading it
 * into the heap: the socket pulls from the file channel ({@code sendfile} where the platform has it).
 *
 * <p>Every step that touches the file runs on {@code executor}, never on the IO thread: when the
 * socket is full, the write listener (IO thread) only re-submits this task. If the file shrinks while
 * it is being sent, or the client goes away, the connection is closed, since the promised length can no
 * longer be delivered. The file is closed when the exchange completes, however it completes.
 */
final class FileRegionTransfer implements Runnable, ChannelListener<StreamSinkChannel> {
    private final HttpServerExchange exchange;
    private final FileChannel file;
    private final Executor executor;
    private final long end;
    private long position;
    private StreamSinkChannel out;

    private FileRegionTransfer(HttpServerExchange exchange, FileChannel file, long first, long length, Executor executor) {
        this.exchange = exchange;
        this.file = file;
        this.executor = executor;
        this.position = first;
        this.end = first + length;
    }

    /** Sets {@code Content-Length} and starts sending; call from a worker thread, inside the handler call. */
    static void start(HttpServerExchange exchange, FileChannel file, long first, long length, Executor executor) {
        exchange.addExchangeCompleteListener((done, next) -> {
            IoUtils.safeClose(file);
            next.proceed();
        });
        exchange.setResponseContentLength(length);
        new FileRegionTransfer(exchange, file, first, length, executor).run();
    }

    @Override
    public void run() {
        try {
            if (out == null) {
                out = exchange.getResponseChannel();
                if (out == null) {
                    throw new IOException("response channel already taken");
                }
            }
            while (position < end) {
                if (file.size() < end) {
                    throw new IOException("file shrank while it was being sent");
                }
                // Some conduits read from the channel's own position (while the head is still
                // buffered), others use the absolute one: keep both the same.
                file.position(position);
                long sent = out.transferFrom(file, position, end - position);
                if (sent == 0) {
                    out.getWriteSetter().set(this);
                    out.resumeWrites();
                    return;
                }
                position += sent;
            }
        } catch (IOException e) {
            abort();
            return;
        }
        IoUtils.safeClose(file);
        exchange.endExchange();
    }

    /** The socket can take more: continue on the executor (this runs on the IO thread). */
    @Override
    public void handleEvent(StreamSinkChannel channel) {
        channel.suspendWrites();
        channel.getWriteSetter().set(null);
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            abort();
        }
    }

    private void abort() {
        IoUtils.safeClose(file);
        ClientAbort.abort(exchange, out);
    }
}
