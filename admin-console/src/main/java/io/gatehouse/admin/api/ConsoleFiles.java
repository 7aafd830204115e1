package io.gatehouse.admin.api;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's static files, from the classpath folder {@code io/gatehouse/admin/ui/}: {@code index.html},
 * {@code login.html} and {@code assets/*}. Read once and kept (they are a few KiB); content types by
 * extension; {@code Cache-Control: no-cache}.
 */
final class ConsoleFiles {
    static final String ROOT = "io/gatehouse/admin/ui/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "ico", "image/x-icon", "json", "application/json; charset=utf-8", "woff2", "font/woff2",
            "map", "application/json; charset=utf-8", "txt", "text/plain; charset=utf-8");

    private record File(byte[] bytes, String type) {
    }

    private final ClassLoader loader;
    private final Map<String, Optional<File>> files = new ConcurrentHashMap<>();

    ConsoleFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** True when {@code name} ({@code index.html}, {@code assets/app.js}) is a file the console has. */
    boolean has(String name) {
        return file(name).isPresent();
    }

    /** Sends {@code name}, or 404 when the console has no such file. Blocking read the first time: a worker thread. */
    void send(HttpServerExchange ex, String name) {
        Optional<File> f = file(name);
        if (f.isEmpty()) {
            Replies.error(ex, 404, "no such file");
            return;
        }
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, f.get().type());
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        if (ex.getRequestMethod().toString().equals("HEAD")) {
            ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, f.get().bytes().length);
            ex.endExchange();
            return;
        }
        ex.getResponseSender().send(ByteBuffer.wrap(f.get().bytes()));
    }

    private Optional<File> file(String name) {
        if (!name.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") || name.contains("..")) {
            return Optional.empty();
        }
        Optional<File> kept = files.get(name);
        if (kept == null) {
            kept = read(name);
            if (kept.isPresent()) {
                files.put(name, kept); // only files that exist: names asked for at random are not kept
            }
        }
        return kept;
    }

    private Optional<File> read(String name) {
        int dot = name.lastIndexOf('.');
        String type = TYPES.get(dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            return in == null ? Optional.empty() : Optional.of(new File(in.readAllBytes(), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
