package io.gatehouse.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw HTTP/1.1 over a socket, for requests no well-behaved client would send. */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 2000);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Everything the server sends until it closes the connection (or 5 s pass). */
    String readAll() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buf.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // return what came
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until {@code marker} has been seen (or the stream ends). */
    String readUntil(String marker) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            if (buf.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
                break;
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Half-closes: the server sees the end of the request stream, the socket still reads. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
