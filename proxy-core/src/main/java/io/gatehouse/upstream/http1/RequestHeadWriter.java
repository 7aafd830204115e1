package io.gatehouse.upstream.http1;

import io.undertow.util.HttpString;
import java.nio.ByteBuffer;

/**
 * Writes a request head for a member in the one canonical form Gatehouse sends: {@code METHOD SP
 * target SP HTTP/1.1 CRLF}, then one {@code Name: value CRLF} per field, then CRLF. The bytes go into
 * an array the writer keeps and reuses (one writer per IO thread), so building a head allocates nothing;
 * a finished head is handed out in a direct buffer the writer also keeps, so that the socket write takes
 * it as it is (a heap buffer would be copied into one of the JDK's temporary direct buffers first, after
 * a wrapper was made for it).
 */
public final class RequestHeadWriter implements HeaderSink {
    private static final byte[] VERSION_CRLF = {' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'};

    private byte[] buf;
    private int len;
    /** The finished head of most requests; a longer one goes out from {@link #buf} itself. */
    private final ByteBuffer direct;

    public RequestHeadWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
        direct = ByteBuffer.allocateDirect(initialCapacity);
    }

    /** Starts a new head with its request line. */
    public RequestHeadWriter start(HttpString method, String target) {
        len = 0;
        name(method);
        put((byte) ' ');
        text(target);
        ensure(VERSION_CRLF.length);
        System.arraycopy(VERSION_CRLF, 0, buf, len, VERSION_CRLF.length);
        len += VERSION_CRLF.length;
        return this;
    }

    @Override
    public void header(HttpString name, String value) {
        name(name);
        ensure(2);
        buf[len++] = ':';
        buf[len++] = ' ';
        text(value);
        crlf();
    }

    /**
     * Ends the head and returns it, backed by this writer's array: valid until the next {@link #start}.
     * A caller that cannot write it all at once must copy what is left.
     */
    public ByteBuffer finish() {
        crlf();
        if (len > direct.capacity()) {
            return ByteBuffer.wrap(buf, 0, len);
        }
        direct.clear();
        direct.put(buf, 0, len);
        return direct.flip();
    }

    private void name(HttpString name) {
        int n = name.length();
        ensure(n);
        name.copyTo(buf, len);
        len += n;
    }

    /** Header values and targets are ISO-8859-1 text as Undertow read them: one byte per char. */
    @SuppressWarnings("deprecation")
    private void text(String s) {
        int n = s.length();
        ensure(n);
        s.getBytes(0, n, buf, len);
        len += n;
    }

    private void crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, len + n)];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
    }
}
