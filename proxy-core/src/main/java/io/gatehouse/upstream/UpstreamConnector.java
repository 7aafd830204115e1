package io.gatehouse.upstream;

import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.IoFuture;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.ssl.XnioSsl;

/**
 * Opens connections to members on the IO thread of the request that needs them (TLS for {@code
 * https} members), and holds the buffers the proxy moves bodies through.
 */
public final class UpstreamConnector {
    private static final OptionMap OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

    private final ByteBufferPool bufferPool;
    private volatile XnioSsl ssl;

    /** What becomes of a connection attempt; called on the IO thread it was made from. */
    interface Callback {
        void connected(MemberConnection connection);

        void failed(IOException e);
    }

    public UpstreamConnector(ByteBufferPool bufferPool) {
        this.bufferPool = bufferPool;
    }

    /** The buffers bodies move through. */
    public ByteBufferPool bufferPool() {
        return bufferPool;
    }

    /** Opens a connection to {@code member}'s address of now, from and on {@code thread}. */
    void connect(MemberEndpoint member, XnioIoThread thread, Callback callback) {
        InetSocketAddress to = member.address();
        ChannelListener<StreamConnection> opened = connection -> callback.connected(new MemberConnection(connection, to));
        IoFuture<? extends StreamConnection> future = member.key().tls()
                ? ssl().openSslConnection(thread, to, opened, OPTIONS)
                : thread.openStreamConnection(to, opened, OPTIONS);
        future.addNotifier((f, attachment) -> {
            if (f.getStatus() == IoFuture.Status.FAILED) {
                callback.failed(f.getException());
            } else if (f.getStatus() == IoFuture.Status.CANCELLED) {
                callback.failed(new IOException("connecting to " + member + " was cancelled"));
            }
        }, null);
    }

    /** Loads the TLS context for https members now, so the first such connection does not wait on an IO thread. */
    public void prepareTls() {
        ssl();
    }

    private XnioSsl ssl() {
        XnioSsl current = ssl;
        if (current == null) {
            synchronized (this) {
                current = ssl;
                if (current == null) {
                    try {
                        current = new UndertowXnioSsl(Xnio.getInstance(), OptionMap.EMPTY, SSLContext.getDefault());
                    } catch (NoSuchAlgorithmException e) {
                        throw new IllegalStateException("the JVM has no default TLS context", e);
                    }
                    ssl = current;
                }
            }
        }
        return current;
    }
}
