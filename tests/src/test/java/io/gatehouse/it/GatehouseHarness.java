package io.gatehouse.it;

import io.gatehouse.app.Assembly;
import io.gatehouse.app.StartFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a real Gatehouse in-process on loopback for a test: writes {@code conf.d/site.conf} from the
 * given text (with {@code ${PORT}} and {@code ${LOGS}} filled in), starts it, and stops it on close.
 */
final class GatehouseHarness implements AutoCloseable {
    final Path root;
    final Path confDir;
    final Path logDir;
    final int port;
    private final Assembly assembly;

    private GatehouseHarness(Path root, Path confDir, Path logDir, int port, Assembly assembly) {
        this.root = root;
        this.confDir = confDir;
        this.logDir = logDir;
        this.port = port;
        this.assembly = assembly;
    }

    /**
     * @param conf the site file; {@code ${PORT}} is a free loopback port, {@code ${LOGS}} the log directory
     */
    static GatehouseHarness start(Path tempDir, String conf) {
        try {
            Path confDir = Files.createDirectories(tempDir.resolve("conf.d"));
            Path logDir = tempDir.resolve("logs");
            int port = freePort();
            String text = conf.replace("${PORT}", Integer.toString(port)).replace("${LOGS}", logDir.toString());
            if (!text.contains("[log]")) {
                text = text + "\n[log]\ndir = " + logDir + "\n";
            }
            Files.writeString(confDir.resolve("site.conf"), text, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
            Assembly assembly = Assembly.start(confDir, Map.of(), err);
            return new GatehouseHarness(tempDir, confDir, logDir, port, assembly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StartFailure e) {
            throw new IllegalStateException("Gatehouse did not start:\n" + e.getMessage(), e);
        }
    }

    Assembly assembly() {
        return assembly;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The port {@code server} listens on (its first listener), for servers started on port 0. */
    static int boundPort(io.undertow.Undertow server) {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * A port nothing listens on now: for Gatehouse's own listener (its configuration takes 1..65535, not
     * 0) and for a member that must refuse connections. Servers that can bind port 0 do that instead.
     */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        assembly.stop(Duration.ofSeconds(5));
    }
}
