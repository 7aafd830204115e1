package io.gatehouse.handler;

import io.gatehouse.config.model.StaticDirTarget;
import io.gatehouse.routing.RoutedRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Serves the files under a route's directory ({@code /static = /srv/www}: {@code /static/css/a.css}
 * is {@code /srv/www/css/a.css}; on route {@code /} the whole path names the file), the way an nginx
 * operator expects.
 *
 * <ul>
 *   <li><b>Methods:</b> GET and HEAD. Anything else goes to {@code next} when the route has one (POST
 *       to the app behind the same path), else 405 with {@code Allow: GET, HEAD}.</li>
 *   <li><b>Not found:</b> with a {@code next} (static-then-proxy on one path) the exchange is handed to
 *       it on the exchange's IO thread; without one, 404. A file the process may not read is 403.</li>
 *   <li><b>Confinement:</b> the file is looked up from the request's {@code matchPath} (decoded, dot-segments
 *       already resolved); a segment that is {@code .}/{@code ..}, holds {@code \}, NUL, a control
 *       character, an encoded slash ({@code %2F}) or bytes that were not UTF-8 is not found, and the
 *       normalised absolute path must still start with the root's. Symbolic links are followed, as
 *       nginx does by default ({@code disable_symlinks off}): a link inside the root may point anywhere,
 *       so only the operator can place one. Hidden files are served like any other, as nginx does.</li>
 *   <li><b>Directories:</b> without a trailing slash, 301 to the same path with one (and the query);
 *       with it, the directory's {@code index.html}, else not found. A file named with a trailing slash
 *       is not found.</li>
 *   <li><b>Headers:</b> {@code Content-Type} from the extension, {@code Content-Length},
 *       {@code Last-Modified}, a strong {@code ETag} {@code "<mtime seconds hex>-<size hex>"} (nginx's
 *       form), {@code Cache-Control: max-age=<static_max_age>} and {@code Accept-Ranges: bytes}.</li>
 *   <li><b>Conditional requests</b> (RFC 9110 §13.2.2 order): a failing {@code If-Match} (strong), or
 *       failing {@code If-Unmodified-Since} when there is no {@code If-Match}, is 412; a matching
 *       {@code If-None-Match} (weak comparison, {@code *}), or {@code If-Modified-Since} not older than
 *       the file when there is no {@code If-None-Match}, is 304.</li>
 *   <li><b>Ranges</b> (GET): one range {@code a-b}, {@code a-} or {@code -n} is 206 with
 *       {@code Content-Range}; an unsatisfiable one is 416 with {@code Content-Range: bytes *}{@code /size};
 *       several ranges get the whole file with 200 (see {@link ByteRange}); {@code If-Range} with a
 *       different validator gets the whole file.</li>
 * </ul>
 *
 * <p><b>Threads:</b> only the method check and the lexical path check run on the IO thread. Every file
 * system call (stat, open, read) runs on the file executor (the connection's XNIO worker unless one is
 * given), and the body is streamed from the file channel, never loaded into memory
 * ({@link FileRegionTransfer}).
 */
public final class StaticFilesHandler implements HttpHandler {
    private static final String ALLOWED = "GET, HEAD";
    private static final String INDEX = "index.html";

    private final Path root;
    private final String cacheControl;
    private final HttpHandler next;
    private final Executor fileExecutor;

    /**
     * @param maxAge {@code static_max_age}
     * @param next   the route's next target (a cluster or upstream), or {@code null}
     */
    public StaticFilesHandler(StaticDirTarget target, Duration maxAge, HttpHandler next) {
        this(target, maxAge, next, null);
    }

    /**
     * @param fileExecutor runs the file system work; {@code null} for the connection's XNIO worker
     */
    public StaticFilesHandler(StaticDirTarget target, Duration maxAge, HttpHandler next, Executor fileExecutor) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("static_max_age: " + maxAge + " (expected: >= 0)");
        }
        this.root = target.root().toAbsolutePath().normalize();
        this.cacheControl = "max-age=" + maxAge.toSeconds();
        this.next = next;
        this.fileExecutor = fileExecutor;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HttpString method = exchange.getRequestMethod();
        boolean head = Methods.HEAD.equals(method);
        if (!head && !Methods.GET.equals(method)) {
            if (next != null) {
                next.handleRequest(exchange);
            } else {
                exchange.getResponseHeaders().put(Headers.ALLOW, ALLOWED);
                ErrorReply.send(exchange, 405, "method not allowed");
            }
            return;
        }
        RoutedRequest routed = exchange.getAttachment(RoutedRequest.KEY);
        if (routed == null) {
            ErrorReply.send(exchange, 500, "request was not routed");
            return;
        }
        String remainder = routed.remainder();
        Path file = resolve(root, remainder);
        if (file == null) {
            if (next != null) {
                next.handleRequest(exchange);
            } else {
                ErrorReply.send(exchange, 404, "not found");
            }
            return;
        }
        Executor executor = fileExecutor != null ? fileExecutor : exchange.getConnection().getWorker();
        HttpHandler lookup = worker -> serve(worker, file, remainder, routed, head, executor);
        if (exchange.isInIoThread()) {
            exchange.dispatch(executor, lookup);
        } else {
            lookup.handleRequest(exchange);
        }
    }

    /** Runs on the file executor. */
    private void serve(HttpServerExchange exchange, Path file, String remainder, RoutedRequest routed,
                       boolean head, Executor executor) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                if (!remainder.endsWith("/")) {
                    String query = exchange.getQueryString();
                    String location = mergeSlashes(routed.forwardPath()) + "/"
                            + (query == null || query.isEmpty() ? "" : "?" + query);
                    RedirectHandler.send(exchange, 301, location);
                    return;
                }
                file = file.resolve(INDEX);
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } else if (remainder.endsWith("/")) {
                notFound(exchange);
                return;
            }
        } catch (AccessDeniedException e) {
            ErrorReply.send(exchange, 403, "forbidden");
            return;
        } catch (IOException | SecurityException e) {
            notFound(exchange);
            return;
        }
        if (!attributes.isRegularFile()) {
            notFound(exchange);
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            ErrorReply.send(exchange, 403, "forbidden");
            return;
        } catch (IOException | SecurityException e) {
            notFound(exchange);
            return;
        }
        boolean streaming = false;
        try {
            streaming = respond(exchange, channel, file, attributes, head, executor);
        } catch (IOException e) {
            ErrorReply.send(exchange, 500, "could not read the file");
        } finally {
            if (!streaming) {
                closeQuietly(channel);
            }
        }
    }

    /** Writes the headers and answers; true when the body is being streamed from {@code channel}. */
    private boolean respond(HttpServerExchange exchange, FileChannel channel, Path file, BasicFileAttributes attributes,
                            boolean head, Executor executor) throws IOException {
        long size = channel.size();
        long modifiedSeconds = attributes.lastModifiedTime().to(TimeUnit.SECONDS);
        long modifiedMillis = modifiedSeconds * 1000;
        String etag = "\"" + Long.toHexString(modifiedSeconds) + "-" + Long.toHexString(size) + "\"";

        HeaderMap response = exchange.getResponseHeaders();
        response.put(Headers.ETAG, etag);
        response.put(Headers.LAST_MODIFIED, DateUtils.toDateString(new Date(modifiedMillis)));
        response.put(Headers.CACHE_CONTROL, cacheControl);
        response.put(Headers.ACCEPT_RANGES, "bytes");

        HeaderMap request = exchange.getRequestHeaders();
        String ifMatch = joined(request, Headers.IF_MATCH);
        if (ifMatch != null) {
            if (!EntityTags.matchesStrong(ifMatch, etag)) {
                ErrorReply.send(exchange, 412, "precondition failed");
                return false;
            }
        } else if (isAfter(modifiedMillis, request.getFirst(Headers.IF_UNMODIFIED_SINCE))) {
            ErrorReply.send(exchange, 412, "precondition failed");
            return false;
        }
        String ifNoneMatch = joined(request, Headers.IF_NONE_MATCH);
        boolean notModified = ifNoneMatch != null
                ? EntityTags.matchesWeak(ifNoneMatch, etag)
                : isNotAfter(modifiedMillis, request.getFirst(Headers.IF_MODIFIED_SINCE));
        if (notModified) {
            exchange.setStatusCode(304);
            exchange.endExchange();
            return false;
        }

        ByteRange range = null;
        String rangeHeader = request.getFirst(Headers.RANGE);
        if (!head && rangeHeader != null && ifRangeHolds(request.getFirst(Headers.IF_RANGE), etag, modifiedMillis)) {
            range = ByteRange.parse(rangeHeader, size);
        }
        if (range == ByteRange.UNSATISFIABLE) {
            response.put(Headers.CONTENT_RANGE, "bytes */" + size);
            ErrorReply.send(exchange, 416, "range not satisfiable");
            return false;
        }
        response.put(Headers.CONTENT_TYPE, MediaTypes.forFileName(file.getFileName().toString()));
        long first = 0;
        long length = size;
        if (range != null) {
            first = range.first();
            length = range.length();
            exchange.setStatusCode(206);
            response.put(Headers.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        if (head || length == 0) {
            exchange.setResponseContentLength(length);
            exchange.endExchange();
            return false;
        }
        FileRegionTransfer.start(exchange, channel, first, length, executor);
        return true;
    }

    /** Hands a miss to {@code next} on the exchange's IO thread, or answers 404. */
    private void notFound(HttpServerExchange exchange) {
        if (next != null) {
            exchange.dispatch(exchange.getIoThread(), next);
        } else {
            ErrorReply.send(exchange, 404, "not found");
        }
    }

    /**
     * The file a route remainder names under {@code root}, or {@code null} when the remainder may not
     * name a file (see the class comment). Lexical only: touches no file system.
     */
    static Path resolve(Path root, String remainder) {
        if (!remainder.isEmpty() && remainder.charAt(0) != '/') {
            return null;
        }
        Path path = root;
        int length = remainder.length();
        int start = 1;
        while (start < length) {
            int slash = remainder.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            if (end > start) {
                String segment = remainder.substring(start, end);
                if (!isSafeSegment(segment)) {
                    return null;
                }
                try {
                    path = path.resolve(segment);
                } catch (InvalidPathException e) {
                    return null;
                }
            }
            start = end + 1;
        }
        Path normalized = path.normalize();
        return normalized.startsWith(root) ? normalized : null;
    }

    private static boolean isSafeSegment(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\' || c == '\uFFFD' || Character.isISOControl(c)) {
                return false;
            }
            if (c == '%' && segment.regionMatches(true, i, "%2F", 0, 3)) {
                return false; // an encoded slash: the request meant a separator inside a name
            }
        }
        return true;
    }

    private static boolean ifRangeHolds(String ifRange, String etag, long modifiedMillis) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"")) {
            return value.equals(etag);
        }
        if (value.startsWith("W/")) {
            return false; // a weak validator never allows a range
        }
        Date date = DateUtils.parseDate(value);
        return date != null && date.getTime() == modifiedMillis;
    }

    /** True when the header holds a valid date earlier than the file's modification time. */
    private static boolean isAfter(long modifiedMillis, String httpDate) {
        if (httpDate == null) {
            return false;
        }
        Date date = DateUtils.parseDate(httpDate);
        return date != null && modifiedMillis > date.getTime();
    }

    /** True when the header holds a valid date not earlier than the file's modification time. */
    private static boolean isNotAfter(long modifiedMillis, String httpDate) {
        if (httpDate == null) {
            return false;
        }
        Date date = DateUtils.parseDate(httpDate);
        return date != null && modifiedMillis <= date.getTime();
    }

    /** All lines of a list header joined with commas, or null when absent. */
    private static String joined(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.getFirst() : String.join(",", values);
    }

    /** {@code //a//b} as {@code /a/b}: a Location starting with {@code //} would name another host. */
    private static String mergeSlashes(String path) {
        if (!path.contains("//")) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '/' || out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }
}
