package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.ByteRanges;
import io.gatehouse.cache.policy.CacheControl;
import io.gatehouse.cache.policy.ClientConditionals;
import io.gatehouse.cache.policy.EffectiveUri;
import io.gatehouse.cache.policy.FieldList;
import io.gatehouse.cache.policy.Fields;
import io.gatehouse.cache.policy.Freshness;
import io.gatehouse.cache.policy.Invalidation;
import io.gatehouse.cache.policy.Lookup;
import io.gatehouse.cache.policy.Revalidation;
import io.gatehouse.cache.policy.SecondaryKey;
import io.gatehouse.cache.policy.Storability;
import io.gatehouse.cache.store.StoredFields;
import io.gatehouse.cache.store.StoredResponse;
import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.handler.RequestIdHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The cache stage's questions to the RFC 9111 rules of {@code cache.policy}, asked with Undertow's
 * header maps and the store's entries: the one place where the three meet. Also the form of the marker
 * a response that varies leaves under its URL's key: an entry with no body whose {@code Vary} names the
 * fields its variants differ by and whose {@link #VARIANTS} field holds the stamp of their keys.
 */
final class Rules {
    /** Marks an entry as a marker of variants; its value is the stamp in their keys. Never taken from an origin. */
    static final String VARIANTS = "X-Gatehouse-Variants";

    /**
     * Fields never stored with an entry: each answer has its own ({@code X-Request-ID} names the request
     * that filled or refreshed the entry, not the one the entry answers later), or they are the stage's.
     * The origin's {@code Age} stays: it counts in the entry's age (RFC 9111 §4.2.3); answers send their own.
     */
    private static final String[] OWN_FIELDS = {VARIANTS, ResponseCacheHandler.X_CACHE.toString(),
        RequestIdHandler.X_REQUEST_ID.toString()};

    /**
     * The client's own conditions and range, which a fill does not pass on (the cache asks for the whole
     * answer, or its own conditions): a range is answered from the entry the fill leaves.
     */
    private static final HttpString[] CLIENT_CONDITIONALS = {Headers.IF_NONE_MATCH, Headers.IF_MODIFIED_SINCE,
        Headers.IF_MATCH, Headers.IF_UNMODIFIED_SINCE, Headers.IF_RANGE, Headers.RANGE};

    private Rules() {
    }

    static Fields fields(HeaderMap map) {
        return new HeaderFields(map);
    }

    static boolean isSafe(HttpString method) {
        return Invalidation.isSafe(method.toString());
    }

    /** The request says {@code no-store}: it neither uses nor fills the cache. */
    static boolean requestForbidsStoring(HeaderMap request) {
        return CacheControl.request(fields(request)).noStore();
    }

    /** {@code only-if-cached}: a miss is a 504. */
    static boolean onlyIfCached(HeaderMap request) {
        return Lookup.missAnswersGatewayTimeout(fields(request));
    }

    static Lookup lookup(StoredResponse entry, HeaderMap request, long now, Duration cacheValid) {
        return Lookup.decide(new EntryFields(entry), fields(request), now, cacheValid);
    }

    /** What the client's own conditions make of a stored answer: 304, the answer, or the origin's business. */
    static ClientConditionals.Answer conditions(HttpServerExchange exchange, StoredResponse entry) {
        return ClientConditionals.evaluate(exchange.getRequestMethod().toString(), fields(exchange.getRequestHeaders()),
                new EntryFields(entry));
    }

    /** What the client's {@code Range} (and {@code If-Range}) makes of a stored answer; null when it sent none. */
    static ByteRanges.Answer range(HttpServerExchange exchange, StoredResponse entry) {
        HeaderMap request = exchange.getRequestHeaders();
        if (!request.contains(Headers.RANGE)) {
            return null;
        }
        return ByteRanges.evaluate(exchange.getRequestMethod().toString(), fields(request), new EntryFields(entry),
                entry.length());
    }

    /** The fields of a 304 made from a stored answer. */
    static FieldList notModifiedFields(StoredResponse entry) {
        return ClientConditionals.notModifiedFields(new EntryFields(entry));
    }

    /** Takes the client's own conditions out of the request (a fill asks for the whole answer, or its own); returns them. */
    static HeaderMap takeClientConditionals(HeaderMap request) {
        HeaderMap taken = null;
        for (HttpString name : CLIENT_CONDITIONALS) {
            java.util.Collection<String> v = request.remove(name);
            if (v != null) {
                if (taken == null) {
                    taken = new HeaderMap();
                }
                taken.putAll(name, v);
            }
        }
        return taken;
    }

    /** Puts the client's own conditions back in place of the cache's ({@code taken} from {@link #takeClientConditionals}, or null). */
    static void restoreClientConditionals(HeaderMap request, HeaderMap taken) {
        for (HttpString name : CLIENT_CONDITIONALS) {
            request.remove(name);
        }
        if (taken != null) {
            long cookie = taken.fastIterateNonEmpty();
            while (cookie != -1L) {
                io.undertow.util.HeaderValues v = taken.fiCurrent(cookie);
                request.putAll(v.getHeaderName(), v);
                cookie = taken.fiNextNonEmpty(cookie);
            }
        }
    }

    /** The cache's own conditions for revalidating {@code stale}: its ETag, its Last-Modified. */
    static void addConditionals(StoredResponse stale, HeaderMap request) {
        Revalidation.conditionalFields(new EntryFields(stale)).forEach((name, value) -> request.add(name(name), value));
    }

    // ---- storing

    /**
     * The head of an answer to a GET if it may be stored (RFC 9111 §3), else null: the stored fields
     * (without hop-by-hop fields, {@code Set-Cookie}, named private fields, the stage's own), and for an
     * answer that varies the fields it varies on and this request's secondary key.
     */
    static Fill.Head storableHead(int status, HeaderMap response, HeaderMap request, ClusterCacheSpec spec,
                                  long bodyLength, long responseTime) {
        Fields resp = fields(response);
        Fields req = fields(request);
        if (!Storability.decide("GET", status, req, resp, responseTime, spec.valid().orElse(null)).storable()) {
            return null;
        }
        List<String> vary = null;
        String secondary = null;
        if (resp.has("Vary")) {
            if (SecondaryKey.matchesNothing(resp)) {
                return null; // Vary: * never matches: nothing to store
            }
            vary = List.copyOf(SecondaryKey.varyNames(resp));
            secondary = SecondaryKey.of(resp, req);
        }
        FieldList stored = Storability.storedFields(resp).without(OWN_FIELDS);
        return new Fill.Head(status, stored, bodyLength, responseTime, vary, secondary);
    }

    /**
     * The secondary key of {@code request} for an answer that varies as {@code varying}'s {@code Vary}
     * says (a stored answer, its marker, or a head still streaming in); null for {@code *}.
     */
    static String secondaryKey(Fields varying, HeaderMap request) {
        return SecondaryKey.of(varying, fields(request));
    }

    static String secondaryKey(StoredResponse varying, HeaderMap request) {
        return secondaryKey(new EntryFields(varying), request);
    }

    static StoredFields toStored(FieldList fields) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(fields.name(i), fields.value(i)));
        }
        return new StoredFields(pairs);
    }

    // ---- the marker of variants

    static boolean isVaryMarker(StoredResponse entry) {
        return entry.headers().first(VARIANTS) != null;
    }

    /** The fields a marker's variants vary on, as {@link SecondaryKey#varyNames} lists them. */
    static List<String> varyNames(StoredResponse marker) {
        java.util.Set<String> names = SecondaryKey.varyNames(new EntryFields(marker));
        return names == null ? List.of() : List.copyOf(names);
    }

    static long markerStamp(StoredResponse marker) {
        try {
            return Long.parseLong(marker.headers().first(VARIANTS));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static StoredResponse varyMarker(String key, List<String> vary, long stamp) {
        StoredFields fields = StoredFields.of("Vary", String.join(", ", vary), VARIANTS, Long.toString(stamp));
        return StoredResponse.builder(key, 200, fields, stamp, stamp, 0).build(0);
    }

    // ---- revalidation and stale answers

    /** {@code stale} refreshed by a 304's fields (RFC 9111 §4.3.4), or null when the 304 is not about it. */
    static StoredResponse refreshed(StoredResponse stale, HeaderMap notModified, long requestTime, long responseTime) {
        EntryFields stored = new EntryFields(stale);
        Fields nm = fields(notModified);
        if (!Revalidation.applies(stored, nm)) {
            return null;
        }
        FieldList merged = Revalidation.merge(stored, nm).without(OWN_FIELDS);
        return stale.withHeaders(toStored(merged), requestTime, responseTime);
    }

    /** True when an entry refreshed by a 304 may still be stored (the 304 may have brought {@code no-store} or {@code private}). */
    static boolean stillStorable(StoredResponse refreshed, Duration cacheValid) {
        return Storability.decide("GET", refreshed.status(), FieldList.empty(), new EntryFields(refreshed),
                refreshed.responseTime(), cacheValid).storable();
    }

    /**
     * True when {@code stale} may stand in for the origin's failure now: by its own or the request's
     * {@code stale-if-error}, or because the operator's {@code cache_use_stale} covers it ({@code useStale}).
     */
    static boolean staleOnError(StoredResponse stale, HeaderMap request, long now, Duration cacheValid, boolean useStale) {
        return Lookup.staleOnError(new EntryFields(stale), request == null ? FieldList.empty() : fields(request), now,
                cacheValid, useStale);
    }

    static boolean isOriginError(int status) {
        return Lookup.isOriginError(status);
    }

    /** The age of an answer still streaming in (its origin's {@code Age} and the time since it was asked for). */
    static long ageSeconds(FieldList fields, long requestTime, long responseTime, long now) {
        return Freshness.ageSeconds(Freshness.currentAgeMillis(fields, requestTime, responseTime, now));
    }

    static long ageSeconds(StoredResponse entry, long now) {
        return Freshness.ageSeconds(Freshness.currentAgeMillis(new EntryFields(entry), now));
    }

    /** A field name as Undertow's header map takes it: the well-known names' shared constants, no copy. */
    static HttpString name(String name) {
        HttpString known = HttpString.tryFromString(name);
        return known != null ? known : new HttpString(name);
    }

    static void forEachField(StoredResponse entry, BiConsumer<HttpString, String> action) {
        StoredFields f = entry.headers();
        for (int i = 0; i < f.size(); i++) {
            action.accept(name(f.name(i)), f.value(i));
        }
    }

    // ---- invalidation

    /** What an unsafe request's answer (its head set on {@code exchange}) invalidates (RFC 9111 §4.4). */
    static List<EffectiveUri> invalidated(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null) {
            return List.of();
        }
        String query = exchange.getQueryString();
        String target = query == null || query.isEmpty() ? exchange.getRequestURI() : exchange.getRequestURI() + "?" + query;
        EffectiveUri uri;
        try {
            uri = EffectiveUri.of(exchange.getRequestScheme(), host, target);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        HeaderMap response = exchange.getResponseHeaders();
        return Invalidation.targets(exchange.getRequestMethod().toString(), exchange.getStatusCode(), uri,
                response.getFirst(Headers.LOCATION), response.getFirst(Headers.CONTENT_LOCATION));
    }
}
