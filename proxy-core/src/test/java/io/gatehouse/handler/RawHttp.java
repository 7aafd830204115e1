package io.gatehouse.handler;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a loopback socket that sends the request target exactly as written
 * ({@code /../etc/passwd} stays as it is, unlike URI-based clients), one request per connection.
 */
final class RawHttp {
    private static final int TIMEOUT_MILLIS = 10_000;

    /** A response; the body is kept only when asked for, otherwise just counted. */
    record Response(int status, Map<String, List<String>> headers, byte[] body, long bodyLength) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    static Response get(int port, String target, String... headerLines) throws IOException {
        return send(port, "GET", target, true, headerLines);
    }

    static Response send(int port, String method, String target, String... headerLines) throws IOException {
        return send(port, method, target, true, headerLines);
    }

    /** Reads the body without keeping it: for large files. */
    static Response getCounting(int port, String target, String... headerLines) throws IOException {
        return send(port, "GET", target, false, headerLines);
    }

    private static Response send(int port, String method, String target, boolean keepBody, String... headerLines)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            StringBuilder request = new StringBuilder()
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: localhost\r\n")
                    .append("Connection: close\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            if (method.equals("POST") || method.equals("PUT")) {
                request.append("Content-Length: 0\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            String statusLine = readLine(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("bad status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                String line = readLine(in);
                if (line == null || line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long length = 0;
            if (!noBody) {
                List<String> declared = headers.get("content-length");
                long limit = declared == null ? Long.MAX_VALUE : Long.parseLong(declared.get(0));
                byte[] buffer = new byte[64 * 1024];
                while (length < limit) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - length));
                    if (n < 0) {
                        break;
                    }
                    if (keepBody) {
                        body.write(buffer, 0, n);
                    }
                    length += n;
                }
            }
            return new Response(status, headers, body.toByteArray(), length);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 16 * 1024; i++) {
            int c = in.read();
            if (c < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (c == '\n') {
                int last = line.length() - 1;
                return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("header line too long");
    }
}
