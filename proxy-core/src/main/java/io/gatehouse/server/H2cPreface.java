package io.gatehouse.server;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DelegateOpenListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Tells HTTP/2 with prior knowledge (h2c) from HTTP/1.1 on a plain listener with {@code [server] h2c = yes},
 * by the first bytes the client sends: the HTTP/2 connection preface ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n},
 * RFC 9113 §3.4) goes to the HTTP/2 listener; anything that differs from it, as soon as it differs, goes
 * to the HTTP/1.1 path, which puts the strict framing layer in front of Undertow's parser as on any
 * other listener (the bytes read here are given back to it). Undertow's HTTP/1.1 parser never has
 * HTTP/2 enabled, so there is no {@code Upgrade: h2c} anywhere.
 *
 * <p>Runs on the connection's IO thread, reading what is there without waiting; a client that sends
 * nothing decisive within the idle timeout is closed.
 */
final class H2cPreface implements ChannelListener<ConduitStreamSourceChannel> {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final StreamConnection connection;
    private final PooledByteBuffer buffer;
    private final DelegateOpenListener http2;
    private final DelegateOpenListener http1;
    private XnioExecutor.Key timeout;

    private H2cPreface(StreamConnection connection, ByteBufferPool pool, DelegateOpenListener http2,
                       DelegateOpenListener http1) {
        this.connection = connection;
        this.buffer = pool.allocate();
        this.http2 = http2;
        this.http1 = http1;
    }

    /** Starts reading {@code connection} to choose between {@code http2} and {@code http1}. */
    static void sniff(StreamConnection connection, ByteBufferPool pool, DelegateOpenListener http2,
                      DelegateOpenListener http1, long idleMillis) {
        H2cPreface sniffer = new H2cPreface(connection, pool, http2, http1);
        sniffer.timeout = connection.getIoThread().executeAfter(() -> {
            sniffer.buffer.close();
            IoUtils.safeClose(connection);
        }, Math.max(1, idleMillis), TimeUnit.MILLISECONDS);
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        source.getReadSetter().set(sniffer);
        sniffer.handleEvent(source);
    }

    @Override
    public void handleEvent(ConduitStreamSourceChannel source) {
        ByteBuffer bytes = buffer.getBuffer();
        try {
            while (true) {
                int n = source.read(bytes);
                if (n < 0) {
                    fail();
                    return;
                }
                int verdict = verdict(bytes);
                if (verdict != 0) {
                    timeout.remove();
                    source.getReadSetter().set(null);
                    source.suspendReads();
                    bytes.flip();
                    (verdict > 0 ? http2 : http1).handleEvent(connection, buffer);
                    return;
                }
                if (n == 0) {
                    source.resumeReads();
                    return;
                }
            }
        } catch (IOException e) {
            fail();
        }
    }

    /** 1: the preface; -1: not the preface; 0: a prefix of it so far. */
    static int verdict(ByteBuffer bytes) {
        int length = bytes.position();
        for (int i = 0; i < Math.min(length, PREFACE.length); i++) {
            if (bytes.get(i) != PREFACE[i]) {
                return -1;
            }
        }
        return length >= PREFACE.length ? 1 : 0;
    }

    private void fail() {
        timeout.remove();
        buffer.close();
        IoUtils.safeClose(connection);
    }
}
