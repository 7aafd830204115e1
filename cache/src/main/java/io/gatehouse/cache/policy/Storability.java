package io.gatehouse.cache.policy;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a response may be stored by this shared cache (RFC 9111 §3), with the reason in words for the
 * log, and which of its fields are kept ({@link #storedFields}).
 *
 * <p>The checks, in order; the first that refuses gives the reason:
 * <ol>
 *   <li>The method is GET. HEAD is answered from a stored GET but never stored by itself; other
 *       methods are not stored.</li>
 *   <li>No {@code no-store} in the request.</li>
 *   <li>A final status other than 206 (this cache does not store partial content) and 304 (it only
 *       updates a stored response, §4.3.4).</li>
 *   <li>No {@code no-store} in the response, unless {@code must-understand} is present and the status is
 *       one this cache understands (200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501),
 *       as §5.2.2.3 asks; with {@code must-understand} any other status is not stored.</li>
 *   <li>No {@code private} without field names. {@code private="X"} and {@code no-cache="X"} store the
 *       response without field {@code X}; but when they name a field the stored response depends on
 *       ({@code Cache-Control}, {@code Expires}, {@code Date}, {@code Age}, {@code Vary}, {@code ETag},
 *       {@code Last-Modified}, {@code Content-Type}, {@code Content-Encoding}, {@code Content-Length},
 *       {@code Content-Range}) it is not stored at all.</li>
 *   <li>A request with {@code Authorization} only with {@code public}, {@code s-maxage} or
 *       {@code must-revalidate} in the response (§3.5).</li>
 *   <li>Choice: a response with {@code Set-Cookie} is stored only when the origin addressed shared caches
 *       explicitly ({@code public} or {@code s-maxage}) or named the cookie as not to be stored
 *       ({@code private="Set-Cookie"}, {@code no-cache="Set-Cookie"}); the stored fields never carry
 *       {@code Set-Cookie}, so one client's cookie is never handed to another. nginx and Varnish do not
 *       cache such responses by default; {@code max-age} alone is too often sent next to a session cookie.</li>
 *   <li>Choice: {@code Vary: *} (or a {@code Vary} element that is not a field name) is not stored: it could
 *       never match a later request (§4.1).</li>
 *   <li>A status that is not heuristically cacheable needs explicit freshness: {@code max-age},
 *       {@code s-maxage}, {@code Expires} or {@code public}.</li>
 *   <li>The response must be usable later: fresh for some time (its own lifetime, the heuristic, or the
 *       operator's {@code cache_valid} where a heuristic is allowed), or revalidatable ({@code ETag} or
 *       {@code Last-Modified}), or allowed to be served stale by its own {@code stale-while-revalidate} /
 *       {@code stale-if-error}. A {@code no-cache} response needs a validator.</li>
 * </ol>
 * {@code cache_valid} never makes a refused response storable: it only gives a lifetime, at the last
 * step, to a response that passed every other check and carries no expiry of its own.
 *
 * @param storable the response may be stored
 * @param reason   why not, in words for the log ({@code "Cache-Control: private"}); {@code "storable"} otherwise
 */
public record Storability(boolean storable, String reason) {
    private static final Storability STORABLE = new Storability(true, "storable");

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization");
    private static final Set<String> DEPENDED_ON = Set.of("cache-control", "expires", "date", "age", "vary",
            "etag", "last-modified", "content-type", "content-encoding", "content-length", "content-range");
    private static final Set<String> COOKIES = Set.of("set-cookie", "set-cookie2");

    /**
     * Decides whether a response may be stored.
     *
     * @param method       the request method, as received (case-sensitive: {@code get} is not GET)
     * @param status       the response status
     * @param request      the request's fields
     * @param response     the response's fields, as received
     * @param responseTime when the response head arrived, epoch millis (stands in for a missing {@code Date})
     * @param cacheValid   the operator's {@code cache_valid}, or {@code null}
     */
    public static Storability decide(String method, int status, Fields request, Fields response, long responseTime,
            Duration cacheValid) {
        if (!"GET".equals(method)) {
            return refused("method " + method + " (only GET responses are stored)");
        }
        if (CacheControl.request(request).noStore()) {
            return refused("request Cache-Control: no-store");
        }
        if (status < 200 || status > 599) {
            return refused("status " + status + " is not a final status");
        }
        if (status == 206 || status == 304) {
            return refused("status " + status + " is not stored");
        }
        CacheControl cc = CacheControl.response(response);
        if (cc.mustUnderstand()) {
            if (!understood(status)) {
                return refused("Cache-Control: must-understand with status " + status);
            }
        } else if (cc.noStore()) {
            return refused("Cache-Control: no-store");
        }
        if (cc.isPrivate()) {
            return refused("Cache-Control: private");
        }
        Set<String> named = cc.namedFields();
        for (String name : named) {
            if (DEPENDED_ON.contains(name)) {
                return refused("Cache-Control: private or no-cache names " + name);
            }
        }
        boolean shared = cc.isPublic() || cc.sMaxAge() != CacheControl.ABSENT;
        if (request.has("Authorization") && !shared && !cc.mustRevalidate()) {
            return refused("request has Authorization and the response has no public, s-maxage or must-revalidate");
        }
        if (response.has("Set-Cookie") && !shared && !named.contains("set-cookie")) {
            return refused("Set-Cookie without public or s-maxage");
        }
        if (SecondaryKey.matchesNothing(response)) {
            return refused("Vary: * (or a Vary element that is not a field name)");
        }
        if (!cc.isPublic() && !Freshness.hasExplicitExpiry(cc, response) && !Freshness.heuristicallyCacheable(status)) {
            return refused("status " + status + " without max-age, s-maxage, Expires or public");
        }
        if (!Revalidation.hasValidator(response)) {
            if (cc.noCache()) {
                return refused("Cache-Control: no-cache and no ETag or Last-Modified");
            }
            boolean hardRevalidate = cc.mustRevalidate() || cc.proxyRevalidate();
            boolean staleUse = !hardRevalidate && (cc.staleWhileRevalidate() > 0 || cc.staleIfError() > 0);
            if (!staleUse && Freshness.lifetimeMillis(status, response, cc, responseTime, cacheValid) == 0) {
                return refused("no freshness lifetime and no ETag or Last-Modified");
            }
        }
        return STORABLE;
    }

    /**
     * The fields to store with the response, in order: every field except the hop-by-hop ones
     * ({@code Connection} and the fields it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
     * {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade}, {@code Proxy-Authenticate},
     * {@code Proxy-Authorization}), the fields named by {@code no-cache="..."} or {@code private="..."},
     * and {@code Set-Cookie} (and the obsolete {@code Set-Cookie2}).
     */
    public static FieldList storedFields(Fields response) {
        Set<String> drop = notStored(response);
        drop.addAll(CacheControl.response(response).namedFields());
        return FieldList.copyOf(response).without(drop);
    }

    /** Lower-cased names never stored nor taken from a 304: hop-by-hop fields (with those Connection names) and cookies. */
    static Set<String> notStored(Fields fields) {
        Set<String> names = new LinkedHashSet<>(HOP_BY_HOP);
        names.addAll(COOKIES);
        for (String n : FieldElements.of(fields, "Connection")) {
            names.add(n.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Statuses whose caching rules this cache implements, for {@code must-understand}. */
    private static boolean understood(int status) {
        return Freshness.heuristicallyCacheable(status) || status == 302 || status == 303 || status == 307;
    }

    private static Storability refused(String reason) {
        return new Storability(false, reason);
    }
}
