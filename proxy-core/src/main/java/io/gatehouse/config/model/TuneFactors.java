package io.gatehouse.config.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A site's {@code [tunefactors]}: timing and size limits.
 *
 * @param staticMaxAge      {@code static_max_age}: Cache-Control max-age for static files (default 300 s)
 * @param responseTimeout   {@code response_timeout}: the longest Gatehouse waits on a member at any step
 *                          (default 10 s); before the answer starts the client gets 504
 * @param keepAlive         {@code keep_alive}: idle time before a client keep-alive connection is closed (default 10 s)
 * @param numResultCacheMax {@code num_result_cache_max}: entries in the memory cache tier (default 200)
 * @param headerTimeout     {@code header_timeout}: the longest a client may take to send a request head (default 10 s)
 * @param maxHeaderSize     {@code max_header_size}: the largest request head in bytes (default 32 KiB)
 * @param sendTimeout       {@code send_timeout}: the longest a client may take to accept any more of a
 *                          proxied answer before its connection is closed (default 60 s, as nginx's)
 * @param clientBodyTimeout {@code client_body_timeout}: the longest a client may pause while sending a
 *                          proxied request's body (default 60 s, as nginx's); then 408
 * @param maxBodySize       {@code max_body_size}: the largest request body in bytes, nginx's
 *                          {@code client_max_body_size}; 0 (the default) is no limit; larger bodies get 413
 */
public record TuneFactors(Duration staticMaxAge, Duration responseTimeout, Duration keepAlive,
                          int numResultCacheMax, Duration headerTimeout, long maxHeaderSize, Duration sendTimeout,
                          Duration clientBodyTimeout, long maxBodySize) {
    /** {@code max_body_size = 0}: bodies of any size. */
    public static final long UNLIMITED = 0;

    public static final TuneFactors DEFAULTS = new TuneFactors(Duration.ofSeconds(300),
            Duration.ofSeconds(10), Duration.ofSeconds(10), 200, Duration.ofSeconds(10), 32 * 1024,
            Duration.ofSeconds(60), Duration.ofSeconds(60), UNLIMITED);

    public TuneFactors {
        Objects.requireNonNull(staticMaxAge, "staticMaxAge");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        Objects.requireNonNull(clientBodyTimeout, "clientBodyTimeout");
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize: " + maxBodySize + " (expected: >= 0, 0 for no limit)");
        }
    }
}
