package io.gatehouse.upstream;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.ssl.XnioSsl;

/** Opens connections to members on the IO thread of the request that needs them. */
public final class UpstreamConnector {
    private final UndertowClient client = UndertowClient.getInstance();
    private final ByteBufferPool bufferPool;
    private final OptionMap options = OptionMap.builder()
            .set(Options.TCP_NODELAY, true)
            .getMap();
    private volatile XnioSsl ssl;

    public UpstreamConnector(ByteBufferPool bufferPool) {
        this.bufferPool = bufferPool;
    }

    ByteBufferPool bufferPool() {
        return bufferPool;
    }

    void connect(MemberState member, XnioIoThread thread, ClientCallback<ClientConnection> callback) {
        XnioSsl tls = member.key().tls() ? ssl() : null;
        client.connect(callback, null, member.connectUri(), thread, tls, bufferPool, options);
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
