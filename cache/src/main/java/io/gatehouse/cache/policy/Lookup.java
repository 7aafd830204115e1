package io.gatehouse.cache.policy;

import java.time.Duration;

/**
 * Whether a stored response may answer a request now (RFC 9111 §4, §4.2.4, RFC 5861), and whether it
 * may answer when the origin fails.
 *
 * <p>{@link #decide}, in order (the first that applies):
 * <ol>
 *   <li>stored {@code no-cache} (without field names): {@link Outcome#REVALIDATE}, always;</li>
 *   <li>request {@code no-cache} (or {@code Pragma: no-cache} without {@code Cache-Control}, a browser
 *       reload): {@code REVALIDATE} with a conditional request, not a full fetch;</li>
 *   <li>request {@code max-age=N} and the response is older than N seconds (so {@code max-age=0} always
 *       revalidates), or request {@code min-fresh=N} and the response will not stay fresh N more seconds:
 *       {@code REVALIDATE}; an invalid value also revalidates;</li>
 *   <li>fresh (age below the freshness lifetime, see {@link Freshness}): {@link Outcome#FRESH};</li>
 *   <li>stale within the response's {@code stale-while-revalidate}:
 *       {@link Outcome#STALE_WHILE_REVALIDATE} (serve now, refresh in the background);</li>
 *   <li>stale with {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage}:
 *       {@code REVALIDATE};</li>
 *   <li>stale within the request's {@code max-stale} (any staleness without a value):
 *       {@link Outcome#STALE_SERVABLE};</li>
 *   <li>otherwise {@code REVALIDATE}.</li>
 * </ol>
 * A {@code REVALIDATE} for a request with {@code only-if-cached} becomes {@link Outcome#GATEWAY_TIMEOUT}
 * (§5.2.1.7); a miss for such a request is a 504 too ({@link #missAnswersGatewayTimeout}).
 *
 * <p>Choice, where directives conflict (§4.2.1: honour the most restrictive, §4.2.4: no stale response
 * when {@code no-cache}, {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage}
 * forbid it): {@code no-cache}, {@code must-revalidate} and {@code proxy-revalidate} forbid every stale
 * answer, whoever asks: the client's {@code max-stale} or {@code stale-if-error}, the response's own
 * {@code stale-while-revalidate} or {@code stale-if-error}, and the operator's {@code cache_use_stale}.
 * {@code s-maxage}'s implied {@code proxy-revalidate} forbids the client's and the operator's, but gives
 * way to {@code stale-while-revalidate} and {@code stale-if-error} in the same response: the origin
 * granted them in the same field, and {@code s-maxage=60, stale-while-revalidate=30} is how origins ask
 * shared caches for exactly that.
 *
 * <p>A request's {@code Authorization} plays no part here: whether a response to an authorized request
 * was stored is {@link Storability}'s rule (§3.5), and which requests share a key is the cache key's.
 *
 * @param outcome   what to do
 * @param reason    why, in words for the log
 * @param ageMillis the current age of the stored response (§4.2.3)
 */
public record Lookup(Outcome outcome, String reason, long ageMillis) {

    /** What to do with a stored response for a request. */
    public enum Outcome {
        /** Fresh: answer from the cache. */
        FRESH,
        /** Stale, and the request's {@code max-stale} accepts it: answer from the cache. */
        STALE_SERVABLE,
        /** Stale within {@code stale-while-revalidate}: answer from the cache now, revalidate in the background. */
        STALE_WHILE_REVALIDATE,
        /** Send a conditional request ({@link Revalidation#conditionalFields}) before answering. */
        REVALIDATE,
        /** The request said {@code only-if-cached} and the stored response cannot be used without the origin: 504. */
        GATEWAY_TIMEOUT
    }

    /** The age to send in {@code Age}, in seconds. */
    public long ageSeconds() {
        return Freshness.ageSeconds(ageMillis);
    }

    /** True when the stored response answers the request now (possibly with a background refresh). */
    public boolean answersFromCache() {
        return outcome == Outcome.FRESH || outcome == Outcome.STALE_SERVABLE || outcome == Outcome.STALE_WHILE_REVALIDATE;
    }

    /** True for the methods a stored GET response can answer: GET and HEAD. */
    public static boolean usesCache(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /** True when a request that finds nothing stored is answered 504 instead of going to the origin ({@code only-if-cached}). */
    public static boolean missAnswersGatewayTimeout(Fields request) {
        return CacheControl.request(request).onlyIfCached();
    }

    /**
     * What to do with a stored response (already matched by key and {@link SecondaryKey}) for a request at
     * {@code now} (epoch millis); {@code cacheValid} is the operator's lifetime, as given to {@link Storability}.
     */
    public static Lookup decide(StoredHead entry, Fields request, long now, Duration cacheValid) {
        HeadFacts facts = entry.facts();
        CacheControl cc = facts.cacheControl();
        CacheControl req = CacheControl.request(request);
        long age = facts.currentAgeMillis(now);
        long lifetime = facts.lifetimeMillis(cacheValid);
        Lookup lookup = decide(cc, req, age, lifetime);
        if (lookup.outcome == Outcome.REVALIDATE && req.onlyIfCached()) {
            return new Lookup(Outcome.GATEWAY_TIMEOUT, "only-if-cached, but " + lookup.reason, age);
        }
        return lookup;
    }

    private static Lookup decide(CacheControl cc, CacheControl req, long age, long lifetime) {
        if (cc.noCache()) {
            return new Lookup(Outcome.REVALIDATE, "stored Cache-Control: no-cache", age);
        }
        if (req.noCache()) {
            return new Lookup(Outcome.REVALIDATE, "request no-cache", age);
        }
        if (req.maxAge() != CacheControl.ABSENT && !within(req.maxAge(), age)) {
            return new Lookup(Outcome.REVALIDATE, "older than the request's max-age", age);
        }
        if (req.minFresh() != CacheControl.ABSENT && (req.minFresh() < 0 || lifetime - age < req.minFresh() * 1000)) {
            return new Lookup(Outcome.REVALIDATE, "fresh for less than the request's min-fresh", age);
        }
        if (age < lifetime) {
            return new Lookup(Outcome.FRESH, "fresh", age);
        }
        long staleness = age - lifetime;
        if (cc.mustRevalidate() || cc.proxyRevalidate()) {
            return new Lookup(Outcome.REVALIDATE, "stale, and must-revalidate or proxy-revalidate", age);
        }
        if (within(cc.staleWhileRevalidate(), staleness)) {
            return new Lookup(Outcome.STALE_WHILE_REVALIDATE, "stale within stale-while-revalidate", age);
        }
        if (cc.sMaxAge() != CacheControl.ABSENT) {
            return new Lookup(Outcome.REVALIDATE, "stale, and s-maxage implies proxy-revalidate", age);
        }
        if (within(req.maxStale(), staleness)) {
            return new Lookup(Outcome.STALE_SERVABLE, "stale within the request's max-stale", age);
        }
        return new Lookup(Outcome.REVALIDATE, "stale", age);
    }

    /**
     * True when the stored response may answer now because the origin failed (an error status, see
     * {@link #isOriginError}, or no answer): within the response's {@code stale-if-error}, the request's
     * {@code stale-if-error} (RFC 5861 §4), or when the operator's {@code cache_use_stale} covers this
     * failure ({@code useStale}). Never with {@code no-cache}, {@code must-revalidate} or
     * {@code proxy-revalidate}; with {@code s-maxage} only by the response's own {@code stale-if-error}.
     */
    public static boolean staleOnError(StoredHead entry, Fields request, long now, Duration cacheValid, boolean useStale) {
        HeadFacts facts = entry.facts();
        CacheControl cc = facts.cacheControl();
        if (cc.noCache() || cc.mustRevalidate() || cc.proxyRevalidate()) {
            return false;
        }
        long age = facts.currentAgeMillis(now);
        long lifetime = facts.lifetimeMillis(cacheValid);
        long staleness = Math.max(0, age - lifetime);
        if (within(cc.staleIfError(), staleness)) {
            return true;
        }
        if (cc.sMaxAge() != CacheControl.ABSENT) {
            return false;
        }
        return within(CacheControl.request(request).staleIfError(), staleness) || useStale;
    }

    /** The origin statuses RFC 5861 §4 counts as errors for {@code stale-if-error}: 500, 502, 503, 504. */
    public static boolean isOriginError(int status) {
        return status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** True when a seconds directive is valid and {@code millis} does not exceed it. */
    private static boolean within(long seconds, long millis) {
        return seconds >= 0 && millis <= seconds * 1000;
    }
}
