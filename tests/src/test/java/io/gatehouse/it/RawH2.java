package io.gatehouse.it;

import io.undertow.protocols.http2.HpackDecoder;
import io.undertow.protocols.http2.HpackException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw HTTP/2 client on a socket, for requests no well-behaved client would send: every field is
 * written exactly as given (HPACK literal without indexing, no Huffman), so a test can send forbidden
 * names, values with CR or NUL, pseudo-headers in any order, and {@code content-length}s the DATA
 * frames contradict. Over plain TCP (h2c with prior knowledge) or TLS with ALPN {@code h2}. Answers are
 * read frame by frame and the header blocks decoded with Undertow's HPACK decoder (the server may use
 * Huffman and its dynamic table). Single-threaded: the test's thread sends and reads.
 */
final class RawH2 implements AutoCloseable {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

    static final int PROTOCOL_ERROR = 0x1;
    static final int REFUSED_STREAM = 0x7;
    static final int CANCEL = 0x8;
    static final int ENHANCE_YOUR_CALM = 0xb;

    /** One frame as read. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ByteBuffer.wrap(payload, at, 4).getInt();
        }
    }

    /** What came back on one stream: its fields (lower-case names, {@code :status} among them), body, or reset. */
    static final class Answer {
        final Map<String, String> fields = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean ended;
        /** The RST_STREAM error code, or -1. */
        int reset = -1;

        int status() {
            String s = fields.get(":status");
            return s == null ? -1 : Integer.parseInt(s);
        }

        String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }

        boolean done() {
            return ended || reset >= 0;
        }

        @Override
        public String toString() {
            return reset >= 0 ? "RST_STREAM " + reset : fields + " " + bodyText();
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HpackDecoder decoder = new HpackDecoder();
    private final Map<Integer, Answer> answers = new HashMap<>();
    private final List<Integer> settingsSeen = new ArrayList<>();
    private final Map<Integer, Integer> serverSettings = new HashMap<>();
    private int nextStream = 1;
    /** The stream whose header block is being decoded, across CONTINUATION frames. */
    private int decoding;
    private Frame goAway;
    private boolean closed;

    private RawH2(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** HTTP/2 with prior knowledge on a plain connection (h2c). */
    static RawH2 plain(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 2000);
        return new RawH2(s);
    }

    /** HTTP/2 over TLS, offering only {@code h2} by ALPN; fails unless the server chose it. */
    static RawH2 tls(InetSocketAddress address, SSLContext context, String serverName) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        s.connect(address, 2000);
        SSLParameters params = s.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"});
        params.setServerNames(List.of(new javax.net.ssl.SNIHostName(serverName)));
        s.setSSLParameters(params);
        s.setSoTimeout(5000);
        s.startHandshake();
        if (!"h2".equals(s.getApplicationProtocol())) {
            s.close();
            throw new IOException("the server did not choose h2 by ALPN: " + s.getApplicationProtocol());
        }
        return new RawH2(s);
    }

    /**
     * Sends the preface and SETTINGS (a large initial window, so answers are never held back by flow
     * control), and a large connection window; reads until the server's SETTINGS, acknowledged.
     */
    RawH2 start() throws IOException {
        ByteArrayOutputStream settings = new ByteArrayOutputStream();
        setting(settings, SETTINGS_INITIAL_WINDOW_SIZE, 1 << 24);
        out.write(PREFACE);
        writeFrame(SETTINGS, 0, 0, settings.toByteArray());
        writeFrame(WINDOW_UPDATE, 0, 0, int32((1 << 24) - 65_535));
        out.flush();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (settingsSeen.isEmpty()) {
            if (System.nanoTime() > deadline || readFrame() == null) {
                throw new IOException("no SETTINGS from the server");
            }
        }
        return this;
    }

    /** A setting the server announced in its SETTINGS, or null. */
    Integer serverSetting(int id) {
        return serverSettings.get(id);
    }

    int newStream() {
        int id = nextStream;
        nextStream += 2;
        return id;
    }

    /** Sends one HEADERS frame (END_HEADERS) with exactly these fields, in this order ({@code name, value} pairs). */
    RawH2 headers(int stream, boolean endStream, String... nameValues) throws IOException {
        writeFrame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(nameValues));
        out.flush();
        return this;
    }

    /** The header block of these fields: each a literal without indexing, with a literal name, no Huffman. */
    static byte[] block(String... nameValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.write(0x00);
            string(b, nameValues[i]);
            string(b, nameValues[i + 1]);
        }
        return b.toByteArray();
    }

    RawH2 data(int stream, boolean endStream, byte[] bytes) throws IOException {
        writeFrame(DATA, endStream ? END_STREAM : 0, stream, bytes);
        out.flush();
        return this;
    }

    RawH2 rst(int stream, int code) throws IOException {
        writeFrame(RST_STREAM, 0, stream, int32(code));
        out.flush();
        return this;
    }

    /** Writes a frame without flushing, for bursts. */
    void writeFrame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = new byte[9];
        head[0] = (byte) (payload.length >>> 16);
        head[1] = (byte) (payload.length >>> 8);
        head[2] = (byte) payload.length;
        head[3] = (byte) type;
        head[4] = (byte) flags;
        head[5] = (byte) ((stream >>> 24) & 0x7f);
        head[6] = (byte) (stream >>> 16);
        head[7] = (byte) (stream >>> 8);
        head[8] = (byte) stream;
        out.write(head);
        out.write(payload);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** The answer on {@code stream} so far (never null). */
    Answer answer(int stream) {
        return answers.computeIfAbsent(stream, k -> new Answer());
    }

    /** Reads frames until {@code stream} is answered in full or reset, the connection ends, or 5 s pass. */
    Answer await(int stream) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Answer a = answer(stream);
        while (!a.done() && System.nanoTime() < deadline) {
            if (readFrame() == null) {
                break;
            }
        }
        return a;
    }

    /** Reads frames until the server sends GOAWAY or closes (true), or {@code millis} pass (false). */
    boolean awaitGoAwayOrClose(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (goAway == null && !closed && System.nanoTime() < deadline) {
            readFrame();
        }
        return goAway != null || closed;
    }

    /** The GOAWAY the server sent, or null. */
    Frame goAway() {
        return goAway;
    }

    /** True once the server closed the connection. */
    boolean closed() {
        return closed;
    }

    /**
     * Reads one frame and takes it in: header blocks decoded into their stream's answer, DATA added to
     * its body, RST_STREAM and GOAWAY noted, SETTINGS and PING acknowledged. Null when the connection
     * ended or nothing came for the socket's timeout.
     */
    Frame readFrame() throws IOException {
        Frame f;
        try {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            f = new Frame(type, flags, stream, payload);
        } catch (EOFException | SocketException e) {
            closed = true;
            return null;
        } catch (SocketTimeoutException e) {
            return null;
        }
        take(f);
        return f;
    }

    private void take(Frame f) throws IOException {
        switch (f.type) {
            case SETTINGS -> {
                if (!f.has(ACK)) {
                    ByteBuffer p = ByteBuffer.wrap(f.payload);
                    while (p.remaining() >= 6) {
                        serverSettings.put(p.getShort() & 0xffff, p.getInt());
                    }
                    settingsSeen.add(f.payload.length);
                    writeFrame(SETTINGS, ACK, 0, new byte[0]);
                    out.flush();
                }
            }
            case PING -> {
                if (!f.has(ACK)) {
                    writeFrame(PING, ACK, 0, f.payload);
                    out.flush();
                }
            }
            case HEADERS -> {
                decoding = f.stream;
                decode(f, headerBlock(f));
            }
            case CONTINUATION -> decode(f, f.payload);
            case DATA -> {
                Answer a = answer(f.stream);
                int pad = (f.flags & 0x8) != 0 ? f.payload[0] & 0xff : -1;
                a.body.write(f.payload, pad < 0 ? 0 : 1, f.payload.length - (pad < 0 ? 0 : 1 + pad));
                if (f.has(END_STREAM)) {
                    a.ended = true;
                }
            }
            case RST_STREAM -> answer(f.stream).reset = f.errorCode();
            case GOAWAY -> goAway = f;
            default -> {
            }
        }
    }

    /** A HEADERS frame's header block: without its padding and priority fields. */
    private static byte[] headerBlock(Frame f) {
        int from = 0;
        int to = f.payload.length;
        if ((f.flags & 0x8) != 0) {
            from = 1;
            to -= f.payload[0] & 0xff;
        }
        if ((f.flags & 0x20) != 0) {
            from += 5;
        }
        byte[] b = new byte[to - from];
        System.arraycopy(f.payload, from, b, 0, b.length);
        return b;
    }

    private void decode(Frame f, byte[] block) throws IOException {
        Answer a = answer(decoding);
        decoder.setHeaderEmitter((name, value, neverIndex) -> a.fields.put(name.toString(), value));
        try {
            decoder.decode(ByteBuffer.wrap(block), !f.has(END_HEADERS));
        } catch (HpackException e) {
            throw new IOException("the server's header block did not decode", e);
        }
        if (f.type == HEADERS && f.has(END_STREAM)) {
            a.ended = true;
        }
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(b, bytes.length);
        b.write(bytes, 0, bytes.length);
    }

    /** An HPACK integer with a 7-bit prefix and the Huffman bit clear (RFC 7541 §5.1). */
    private static void integer(ByteArrayOutputStream b, int value) {
        if (value < 127) {
            b.write(value);
            return;
        }
        b.write(127);
        value -= 127;
        while (value >= 128) {
            b.write(value % 128 + 128);
            value /= 128;
        }
        b.write(value);
    }

    private static void setting(ByteArrayOutputStream b, int id, int value) {
        b.write(id >>> 8);
        b.write(id);
        b.writeBytes(int32(value));
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
