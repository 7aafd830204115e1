package io.gatehouse.auth.token;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys that JWTs are checked against, read from a JWKS file or URL ({@code jwks = }).
 *
 * <p>A file is looked at again at most every cache time and re-read when its modification time or
 * size changed; a URL is fetched again every cache time. Reads and fetches run on the executor given
 * to the constructor, never on the thread that asks for the keys: {@link #current()} returns the set
 * held now and, when a check is due, starts one in the background (at most one at a time). When a
 * read or fetch fails, or returns something that is not a JWKS, the last good set is kept and the
 * failure is kept as {@link #lastProblem()} and logged. A token naming a key id the set does not
 * hold starts a load early (rate-limited), so a rotated key is found without waiting a full cache time.
 */
public final class JwksKeySet {
    private static final Logger LOG = LoggerFactory.getLogger(JwksKeySet.class);
    /** Largest JWKS accepted from a URL or a file. */
    static final int MAX_BYTES = 512 * 1024;
    /** Shortest time between two loads started early by an unknown key id. */
    public static final Duration EARLY_RELOAD_GAP = Duration.ofSeconds(30);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    private final URI location;
    private final HttpClient http;
    private final PeriodicLoad loads;

    private volatile JWKSet keys;
    private volatile String lastProblem;
    private long fileModified = Long.MIN_VALUE; // written only by the (single) load in progress
    private long fileSize = -1;

    /**
     * Keys from {@code location} ({@code file:}, {@code http:} or {@code https:}), checked every
     * {@code cacheTime}, loaded on {@code executor}. Nothing is read until {@link #refresh()} or the
     * first {@link #current()}.
     */
    public JwksKeySet(URI location, Duration cacheTime, Clock clock, Executor executor) {
        this.location = Objects.requireNonNull(location, "location");
        if (!JwtSpec.isSupportedLocation(location)) {
            throw new IllegalArgumentException("jwks must be a file path or an http(s) URL, got " + location);
        }
        this.http = isFile() ? null
                : HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NEVER).build();
        this.loads = new PeriodicLoad(this::load,
                rejected -> fail("could not start a load: " + rejected), cacheTime, clock, executor);
    }

    /** Where the keys come from. */
    public URI location() {
        return location;
    }

    /**
     * The keys held now (null until a first load succeeded); starts a background check when one is
     * due. Never blocks.
     */
    public JWKSet current() {
        loads.startIfDue();
        return keys;
    }

    /**
     * Tells the set that a token named a key id it does not hold, which is how a key rotation shows
     * first: a load starts early, at most once per {@link #EARLY_RELOAD_GAP} (so a client sending
     * made-up key ids costs one fetch per that time). Never blocks.
     */
    public void unknownKeyId() {
        loads.startEarly(EARLY_RELOAD_GAP);
    }

    /** Why the latest load failed, or null when it succeeded. */
    public String lastProblem() {
        return lastProblem;
    }

    /**
     * Starts a load now on the executor (unless one is running) and returns the load's completion
     * (this one's, or the one already running). For startup (wait before serving) and tests.
     */
    public CompletableFuture<Void> refresh() {
        return loads.start();
    }

    private boolean isFile() {
        return "file".equals(location.getScheme());
    }

    private void load() {
        try {
            String text;
            if (isFile()) {
                Path path = Path.of(location);
                BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
                long modified = attrs.lastModifiedTime().toMillis();
                if (keys != null && lastProblem == null && modified == fileModified && attrs.size() == fileSize) {
                    return;
                }
                if (attrs.size() > MAX_BYTES) {
                    throw new IOException("larger than " + MAX_BYTES + " bytes");
                }
                text = Files.readString(path, StandardCharsets.UTF_8);
                fileModified = modified;
                fileSize = attrs.size();
            } else {
                text = fetch();
            }
            JWKSet parsed = JWKSet.parse(text);
            if (parsed.getKeys().isEmpty()) {
                throw new ParseException("no keys in the set", 0);
            }
            boolean changed = keys == null || !parsed.equals(keys);
            keys = parsed;
            lastProblem = null;
            if (changed) {
                LOG.info("jwks {}: {} key(s) loaded", location, parsed.getKeys().size());
            }
        } catch (IOException | ParseException | RuntimeException e) {
            fail(e instanceof ParseException ? "not a JWKS: " + e.getMessage() : describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    private String fetch() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(location).timeout(FETCH_TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode());
        }
        if (response.body().length > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private void fail(String why) {
        String problem = "jwks " + location + ": " + why
                + (keys == null ? " (no keys yet)" : " (keeping the last good set)");
        lastProblem = problem;
        LOG.warn(problem);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
