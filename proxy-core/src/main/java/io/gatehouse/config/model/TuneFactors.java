package io.gatehouse.config.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A site's {@code [tunefactors]}: timing and size limits.
 *
 * @param staticMaxAge      {@code static_max_age}: Cache-Control max-age for static files (default 300 s)
 * @param responseTimeout   {@code response_timeout}: how long an upstream may take to start its
 *                          response (default 10 s); past it the client gets 504
 * @param keepAlive         {@code keep_alive}: idle time before a client keep-alive connection is closed (default 10 s)
 * @param numResultCacheMax {@code num_result_cache_max}: entries in the memory cache tier (default 200)
 * @param headerTimeout     {@code header_timeout}: the longest a client may take to send a request head (default 10 s)
 * @param maxHeaderSize     {@code max_header_size}: the largest request head in bytes (default 32 KiB)
 */
public record TuneFactors(Duration staticMaxAge, Duration responseTimeout, Duration keepAlive,
                          int numResultCacheMax, Duration headerTimeout, long maxHeaderSize) {
    public static final TuneFactors DEFAULTS = new TuneFactors(Duration.ofSeconds(300),
            Duration.ofSeconds(10), Duration.ofSeconds(10), 200, Duration.ofSeconds(10), 32 * 1024);

    public TuneFactors {
        Objects.requireNonNull(staticMaxAge, "staticMaxAge");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
    }
}
