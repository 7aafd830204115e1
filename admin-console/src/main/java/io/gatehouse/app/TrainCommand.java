package io.gatehouse.app;

import io.gatehouse.config.bind.ConfLoader;
import io.gatehouse.config.bind.LoadOutcome;
import io.gatehouse.config.check.CheckCommand;
import io.gatehouse.config.source.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The class archive's training run ({@code gatehouse train}, not listed in the usage): the launcher runs
 * it once, under {@code -XX:ArchiveClassesAtExit}, so that the archive holds the classes a real start
 * and its first requests load (docs/performance.md, "Start and memory").
 *
 * <p>It writes a configuration into a temporary directory (a plain site with a static directory, a
 * fixed answer, a redirect and a cached cluster; a TLS site; the admin listener with a token), answers
 * the cluster with the in-process demo members on ephemeral 127.0.0.1 ports, checks it as
 * {@code gatehouse check} does, starts Gatehouse on it, sends a few requests to each listener, stops,
 * and deletes the directory. It prints nothing when all went well; exit 0, or 1 with the reason on
 * standard error (the launcher then runs without an archive).
 */
final class TrainCommand {
    private static final String TOKEN = "training-token-0123456789abcdef";

    private TrainCommand() {
    }

    static int run(PrintStream err) {
        StartWarmup.begin(); // as a start does: the archive then holds what its thread loads
        Path dir;
        try {
            dir = Files.createTempDirectory("gatehouse-train");
        } catch (IOException e) {
            err.println("gatehouse train: cannot make a temporary directory: " + IoErrors.describe(e));
            return 1;
        }
        try {
            train(dir);
            return 0;
        } catch (Exception e) {
            err.println("gatehouse train: " + e);
            return 1;
        } finally {
            deleteTree(dir);
        }
    }

    private static void train(Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf.d"));
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<!doctype html><title>training</title>\n");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        if (CertCommand.run(List.of("127.0.0.1", "--out", dir.resolve("certs").toString()), quiet, quiet,
                Clock.systemUTC(), new SecureRandom()) != 0) {
            throw new IllegalStateException("cannot write the training certificate");
        }
        int[] ports = freePorts(4);
        Files.writeString(conf.resolve("site.conf"), """
                [server]
                ip = 127.0.0.1
                port = %d
                threads = 4

                [log]
                dir = %s

                [routes:line]
                / = www
                / = @train
                /hc = return 200 OK
                /old-home = redirect 301 /

                [@train]
                members = 127.0.0.1:%d
                """.formatted(ports[0], dir.resolve("logs"), ports[1]));
        Files.writeString(conf.resolve("tls.conf"), """
                [server]
                ip = 127.0.0.1
                port = %d

                [ssl]
                enable_ssl = yes
                certfile = certs/127.0.0.1.crt
                keyfile = certs/127.0.0.1.key

                [routes:line]
                / = @cached
                /hc = return 200 OK

                [@cached]
                members = 127.0.0.1:%d
                cache = yes
                cache_valid = 1m
                """.formatted(ports[2], ports[1]));
        Files.writeString(conf.resolve("admin.conf"), """
                [admin]
                port = %d
                token = %s
                """.formatted(ports[3], TOKEN));
        Map<String, String> env = Map.of();
        if (CheckCommand.run(conf, env, Modules.configChecks(), quiet, quiet) != 0) {
            throw new IllegalStateException("the training configuration does not check");
        }
        LoadOutcome loaded = ConfLoader.load(conf, env, Modules.configChecks());
        try (DemoUpstreams members = DemoUpstreams.start(loaded.config().orElseThrow())) {
            Assembly gatehouse = Assembly.start(conf, env, quiet);
            try {
                List<String> answers = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (String path : List.of("/", "/hc", "/old-home", "/api/hello", "/api/hello?x=1", "/nothing")) {
                        answers.add(get(plain(ports[0]), path, ""));
                    }
                    answers.add(get(tls(ports[2]), "/api/hello", ""));
                    answers.add(get(tls(ports[2]), "/hc", ""));
                    for (String path : List.of("/", "/api/pools", "/api/routes", "/api/series", "/api/cache",
                            "/api/requests", "/stats.json")) {
                        answers.add(get(plain(ports[3]), path, "Authorization: Bearer " + TOKEN + "\r\n"));
                    }
                }
                if (answers.stream().noneMatch(a -> a.startsWith("HTTP/1.1 200"))) {
                    throw new IllegalStateException("no request was answered 200: " + answers.get(0));
                }
            } finally {
                gatehouse.stop(Duration.ZERO);
            }
        }
    }

    /** {@code n} distinct ports free on 127.0.0.1 now (bound together, then released). */
    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static Socket plain(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static Socket tls(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAnything()}, new SecureRandom());
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /**
     * One HTTP/1.1 GET on {@code socket} (closed after): the answer's head as text, once its body (by
     * {@code Content-Length}, else to the end of the stream) is read.
     */
    private static String get(Socket socket, String path, String headers) throws IOException {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n" + headers
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    return head.toString();
                }
                head.append((char) b);
            }
            long length = -1;
            for (String line : head.toString().split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            if (length < 0) {
                in.transferTo(OutputStream.nullOutputStream());
            } else {
                in.skipNBytes(length);
            }
            return head.toString();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a leftover in the temporary directory: nothing to do about it here
        }
    }

    /** The training's own self-signed certificate, on 127.0.0.1: nothing else is ever trusted this way. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

