package io.gatehouse.cache.policy;

import java.time.Duration;
import java.util.List;

/**
 * How long a stored response stays fresh and how old it is (RFC 9111 §4.2), in milliseconds.
 *
 * <p><b>Freshness lifetime</b> (§4.2.1), the first that applies:
 * <ol>
 *   <li>{@code s-maxage} (a shared cache); an invalid one gives 0 (stale);</li>
 *   <li>{@code max-age}; an invalid one gives 0;</li>
 *   <li>{@code Expires} minus {@code Date} ({@code Date} missing or invalid: the response time); an
 *       invalid {@code Expires}, or several {@code Expires} lines that disagree, give 0 (§5.3);</li>
 *   <li>otherwise, only where heuristic freshness is allowed (a heuristically cacheable status, RFC 9110
 *       §15.1, or {@code public}; §4.2.2): the operator's {@code cache_valid} when it is set (as nginx's
 *       {@code proxy_cache_valid}), else 10 % of {@code Date} minus {@code Last-Modified} (the fraction
 *       §4.2.2 suggests), at most one day. Choice: the RFC sets no cap; one day bounds how long a response
 *       that never stated a lifetime is served without asking the origin;</li>
 *   <li>otherwise 0.</li>
 * </ol>
 * {@code immutable} changes nothing here: for a shared cache it only says the response will not change
 * while fresh, which is what the lifetime already means, so it is neither extended nor revalidated early.
 *
 * <p><b>Current age</b> (§4.2.3) from {@code Age} (the first member; an invalid value is ignored,
 * §5.1), {@code Date}, the request and response times and now. A {@code Date} ahead of the response time
 * (the origin's clock is fast) gives an apparent age of 0; a {@code Date} behind it makes the response
 * that much older. A negative response delay or resident time (the local clock stepped back) counts as 0.
 */
public final class Freshness {
    /** The greatest age ever sent in {@code Age}, in seconds (2^31, §5.1). */
    public static final long MAX_AGE_SECONDS = CacheControl.MAX_DELTA;

    private static final long HEURISTIC_CAP_MILLIS = 86_400_000L;

    private Freshness() {
    }

    /** The freshness lifetime of a stored response. */
    public static long lifetimeMillis(StoredHead entry, Duration cacheValid) {
        return entry.facts().lifetimeMillis(cacheValid);
    }

    /**
     * The freshness lifetime of a response.
     *
     * @param responseTime stands in for a missing or invalid {@code Date}
     * @param cacheValid   the operator's lifetime for responses that carry none; {@code null} for the heuristic
     */
    public static long lifetimeMillis(int status, Fields response, long responseTime, Duration cacheValid) {
        return lifetimeMillis(status, response, CacheControl.response(response), responseTime, cacheValid);
    }

    static long lifetimeMillis(int status, Fields response, CacheControl cc, long responseTime, Duration cacheValid) {
        if (cc.sMaxAge() != CacheControl.ABSENT) {
            return deltaMillis(cc.sMaxAge());
        }
        if (cc.maxAge() != CacheControl.ABSENT) {
            return deltaMillis(cc.maxAge());
        }
        List<String> expires = response.all("Expires");
        if (!expires.isEmpty()) {
            long expiry = HttpDates.parse(expires.get(0));
            if (expiry == HttpDates.ABSENT || expires.stream().anyMatch(e -> HttpDates.parse(e) != expiry)) {
                return 0;
            }
            return Math.max(0, expiry - dateOr(response, responseTime));
        }
        if (!heuristicAllowed(status, cc)) {
            return 0;
        }
        if (cacheValid != null) {
            return cacheValid.isNegative() ? 0 : saturatedMillis(cacheValid);
        }
        long lastModified = HttpDates.parse(response.first("Last-Modified"));
        long date = dateOr(response, responseTime);
        if (lastModified == HttpDates.ABSENT || lastModified >= date) {
            return 0;
        }
        return Math.min((date - lastModified) / 10, HEURISTIC_CAP_MILLIS);
    }

    /**
     * True when the response carries its own expiry: {@code s-maxage}, {@code max-age} or {@code Expires},
     * valid or not. Such a response never gets a heuristic or {@code cache_valid} lifetime.
     */
    public static boolean hasExplicitExpiry(CacheControl cc, Fields response) {
        return cc.sMaxAge() != CacheControl.ABSENT || cc.maxAge() != CacheControl.ABSENT || response.has("Expires");
    }

    /** Heuristic freshness (or {@code cache_valid}) may apply: a heuristically cacheable status, or {@code public}. */
    public static boolean heuristicAllowed(int status, CacheControl cc) {
        return heuristicallyCacheable(status) || cc.isPublic();
    }

    /**
     * The statuses RFC 9110 §15.1 makes heuristically cacheable, less 206, which this cache never stores:
     * 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501.
     */
    public static boolean heuristicallyCacheable(int status) {
        switch (status) {
            case 200: case 203: case 204: case 300: case 301: case 308:
            case 404: case 405: case 410: case 414: case 501:
                return true;
            default:
                return false;
        }
    }

    /** The current age of a stored response at {@code now}. */
    public static long currentAgeMillis(StoredHead entry, long now) {
        return entry.facts().currentAgeMillis(now);
    }

    /** The current age (§4.2.3) at {@code now} of a response requested at {@code requestTime}, received at {@code responseTime}. */
    public static long currentAgeMillis(Fields response, long requestTime, long responseTime, long now) {
        long apparentAge = Math.max(0, responseTime - dateOr(response, responseTime));
        long responseDelay = Math.max(0, responseTime - requestTime);
        long correctedAgeValue = ageValueMillis(response) + responseDelay;
        long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
        long residentTime = Math.max(0, now - responseTime);
        return correctedInitialAge + residentTime;
    }

    /** The {@code Age} value to send for a current age: whole seconds, at most 2^31 (§5.1). */
    public static long ageSeconds(long currentAgeMillis) {
        return Math.min(Math.max(0, currentAgeMillis / 1000), MAX_AGE_SECONDS);
    }

    /** The {@code Date} value, or {@code fallback} when it is missing or invalid (§4.2.3: the response time). */
    static long dateOr(Fields response, long fallback) {
        long date = HttpDates.parse(response.first("Date"));
        return date == HttpDates.ABSENT ? fallback : date;
    }

    /** {@code Age}: the first member of the field (§5.1), 0 when absent or invalid. */
    private static long ageValueMillis(Fields response) {
        List<String> members = FieldElements.of(response, "Age");
        if (members.isEmpty()) {
            return 0;
        }
        long seconds = CacheControl.seconds(members.get(0));
        return seconds < 0 ? 0 : seconds * 1000;
    }

    private static long deltaMillis(long seconds) {
        return seconds < 0 ? 0 : seconds * 1000;
    }

    /** The duration in milliseconds, at most 2^31 seconds like every other lifetime. */
    private static long saturatedMillis(Duration d) {
        return d.getSeconds() >= MAX_AGE_SECONDS ? MAX_AGE_SECONDS * 1000 : d.toMillis();
    }
}
