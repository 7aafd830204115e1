package io.gatehouse.cache.handler;

import io.gatehouse.cache.policy.ByteRanges;
import io.gatehouse.cache.policy.EffectiveUri;
import io.gatehouse.cache.policy.Lookup;
import io.gatehouse.cache.store.CacheCounters;
import io.gatehouse.cache.store.StoredResponse;
import io.gatehouse.config.model.ClusterCacheSpec;
import io.gatehouse.config.model.StaleUse;
import io.gatehouse.handler.ErrorReply;
import io.gatehouse.log.CacheStatus;
import io.gatehouse.spi.ResponseTap;
import io.gatehouse.upstream.DetachedRequest;
import io.gatehouse.upstream.Outcome;
import io.gatehouse.upstream.UpstreamProxyHandler;
import io.undertow.io.IoCallback;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache in front of one proxied route: answers a request from the stored copy when RFC
 * 9111 lets it (from memory on the IO thread, from disk through the disk executor), otherwise lets it
 * through to the cluster and copies a storable answer as it streams to the client ({@link Fill}), with
 * one origin request for every client that asks for the same key meanwhile. Stale entries are
 * revalidated with a conditional request; unsafe requests that succeed invalidate what they name.
 * Every answer says what happened in {@code X-Cache} ({@code HIT}, {@code MISS}, {@code STALE},
 * {@code REVALIDATED}, {@code BYPASS}, {@code EXPIRED}) and in the request log's JSON form.
 */
public final class ResponseCacheHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCacheHandler.class);

    static final String HIT = "HIT";
    static final String MISS = "MISS";
    static final String STALE = "STALE";
    static final String REVALIDATED = "REVALIDATED";
    static final String BYPASS = "BYPASS";
    static final String EXPIRED = "EXPIRED";

    /** The longest a request waits for another request's fill of the same key before it goes to the origin itself. */
    static final long LOCK_TIMEOUT_MS = 5_000;

    static final HttpString X_CACHE = new HttpString("X-Cache");

    private final HttpHandler next;
    /** The proxy {@code next} ends in, for background refreshes; null when the route's target is not a cluster's proxy. */
    private final UpstreamProxyHandler proxy;
    private final ResponseCache cache;
    private final ClusterCacheSpec spec;
    private final CacheKeys keys;
    /** {@code cache_valid}, or null. */
    private final Duration valid;
    /** The site's {@code send_timeout}: how long a client may take none of an answer from the cache. */
    private final long sendTimeoutMs;
    final ConcurrentMap<String, Fill> fills;

    ResponseCacheHandler(HttpHandler next, UpstreamProxyHandler proxy, ResponseCache cache, ClusterCacheSpec spec,
                         long sendTimeoutMs) {
        this.sendTimeoutMs = sendTimeoutMs;
        this.next = next;
        this.proxy = proxy;
        this.cache = cache;
        this.spec = spec;
        this.keys = new CacheKeys(spec.key());
        this.valid = spec.valid().orElse(null);
        this.fills = cache.fills();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HttpString method = exchange.getRequestMethod();
        boolean head = method.equals(Methods.HEAD);
        if (!head && !method.equals(Methods.GET)) {
            if (!Rules.isSafe(method)) {
                exchange.putAttachment(ResponseTap.KEY, new Invalidation(this));
            }
            next.handleRequest(exchange);
            return;
        }
        HeaderMap request = exchange.getRequestHeaders();
        if (request.contains(Headers.UPGRADE) || Rules.requestForbidsStoring(request)) {
            bypass(exchange);
            return;
        }
        lookUp(exchange, keys.primary(exchange), head, false);
    }

    /**
     * Looks {@code key} up in memory on this IO thread, then, when it is not there and there is a disk
     * tier, on the disk threads (the exchange is dispatched and taken up again on its IO thread), and goes
     * on with what was found.
     */
    private void lookUp(HttpServerExchange exchange, String key, boolean head, boolean variant) throws Exception {
        StoredResponse found = cache.store().memory(key);
        if (found != null || !cache.hasDisk()) {
            withEntry(exchange, key, found, head, variant);
            return;
        }
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> cache.store().disk(key).whenComplete((entry, failure) ->
                exchange.getIoThread().execute(() -> Connectors.executeRootHandler(
                        ex -> withEntry(ex, key, entry, head, variant), exchange))));
    }

    /**
     * Goes on with what the store had under {@code key}: a marker of a response that varies leads to the
     * variant for this request (looked up the same way), an entry is served or revalidated, nothing is a miss.
     */
    private void withEntry(HttpServerExchange exchange, String key, StoredResponse found, boolean head,
                           boolean variant) throws Exception {
        if (found != null && !variant && Rules.isVaryMarker(found)) {
            String secondary = Rules.secondaryKey(found, exchange.getRequestHeaders());
            if (secondary == null) {
                miss(exchange, key, head); // Vary: * never matches
                return;
            }
            lookUp(exchange, CacheKeys.variant(key, Rules.markerStamp(found), secondary), head, true);
            return;
        }
        if (found == null) {
            miss(exchange, CacheKeys.primaryOf(key), head);
            return;
        }
        Lookup lookup = Rules.lookup(found, exchange.getRequestHeaders(), now(), valid);
        switch (lookup.outcome()) {
            case FRESH:
                serve(exchange, found, HIT, head);
                return;
            case STALE_SERVABLE:
                cache.counters().addStaleServed();
                serve(exchange, found, STALE, head);
                return;
            case STALE_WHILE_REVALIDATE:
                if (proxy == null) {
                    revalidate(exchange, CacheKeys.primaryOf(key), found, head); // no background refresh without the proxy
                    return;
                }
                cache.counters().addStaleServed();
                refreshInBackground(exchange, CacheKeys.primaryOf(key), found);
                serve(exchange, found, STALE, head);
                return;
            case GATEWAY_TIMEOUT:
                markStatus(exchange, MISS);
                ErrorReply.send(exchange, 504, "only-if-cached: the stored response cannot be used without the origin");
                return;
            case REVALIDATE:
            default:
                revalidate(exchange, CacheKeys.primaryOf(key), found, head);
        }
    }

    // ---- misses and revalidations: one fill per key

    private void miss(HttpServerExchange exchange, String key, boolean head) throws Exception {
        if (Rules.onlyIfCached(exchange.getRequestHeaders())) {
            markStatus(exchange, MISS);
            ErrorReply.send(exchange, 504, "only-if-cached: the response is not in the cache");
            return;
        }
        if (head || exchange.getRequestHeaders().contains(Headers.RANGE)) {
            // A HEAD is answered from a stored GET but fills nothing; a range goes through whole to the
            // origin (a 206 is not stored).
            markStatus(exchange, MISS);
            next.handleRequest(exchange);
            return;
        }
        startOrJoin(exchange, key, null, false);
    }

    private void revalidate(HttpServerExchange exchange, String key, StoredResponse stale, boolean head)
            throws Exception {
        Fill running = fills.get(key);
        if (running != null && spec.useStale().allows(StaleUse.Condition.UPDATING)) {
            cache.counters().addStaleServed();
            serve(exchange, stale, STALE, head);
            return;
        }
        startOrJoin(exchange, key, stale, head);
    }

    private void startOrJoin(HttpServerExchange exchange, String key, StoredResponse stale, boolean head)
            throws Exception {
        if (cache.uncollapsed(key)) {
            // Its last answer was not for the cache: each request goes on its own (and stores a storable
            // answer), rather than waiting behind another's head for nothing (Varnish's hit-for-miss).
            sendFill(exchange, new Fill(this, key, stale, now(), head), stale);
            return;
        }
        Fill fill = fills.get(key);
        if (fill != null) {
            Waiter w = new Waiter(this, exchange, fill, head);
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
                if (w.start()) {
                    cache.counters().addCollapsed();
                } else {
                    toOrigin(exchange, null);
                }
            });
            return;
        }
        fill = new Fill(this, key, stale, now(), head);
        if (fills.putIfAbsent(key, fill) != null) {
            startOrJoin(exchange, key, stale, head); // another request started one just now
            return;
        }
        sendFill(exchange, fill, stale);
    }

    /** Sends {@code fill}'s request (the client's, with the cache's conditions) through the proxy, tapped. */
    private void sendFill(HttpServerExchange exchange, Fill fill, StoredResponse stale) throws Exception {
        HeaderMap request = exchange.getRequestHeaders();
        fill.clientConditionals = Rules.takeClientConditionals(request);
        if (stale != null) {
            cache.counters().addRevalidation();
            Rules.addConditionals(stale, request);
        }
        exchange.putAttachment(ResponseTap.KEY, fill);
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                fill.answeredElsewhere(ex.isResponseStarted());
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    /**
     * The fill's answer is not for the cache: for a while ({@link ResponseCache#HIT_FOR_MISS_MS}), requests
     * for its key do not wait on one another.
     */
    void notCollapsible(Fill fill) {
        if (fills.get(fill.key) == fill) {
            cache.markUncollapsed(fill.key);
        }
    }

    /** The fill's answer is storable: requests for its key collapse again. */
    void collapsible(Fill fill) {
        cache.clearUncollapsed(fill.key);
    }

    /** A waiter released by its fill, or tired of waiting: the origin, with no tap (nothing stored). */
    void toOrigin(HttpServerExchange exchange, String why) {
        if (why != null && LOG.isDebugEnabled()) {
            LOG.debug("{}: going to the origin directly", why);
        }
        markStatus(exchange, MISS);
        Connectors.executeRootHandler(next, exchange);
    }

    private void bypass(HttpServerExchange exchange) throws Exception {
        cache.counters().addBypass();
        markStatus(exchange, BYPASS);
        next.handleRequest(exchange);
    }

    // ---- the background refresh (stale-while-revalidate)

    /** Refreshes {@code stale} through the route's proxy (the caller made sure there is one), one refresh per key. */
    private void refreshInBackground(HttpServerExchange exchange, String key, StoredResponse stale) {
        Fill fill = new Fill(this, key, stale, now(), false);
        if (fills.putIfAbsent(key, fill) != null) {
            return; // one refresh per key
        }
        cache.counters().addRevalidation();
        DetachedRequest request = DetachedRequest.of(proxy, exchange);
        Rules.takeClientConditionals(request.headers());
        Rules.addConditionals(stale, request.headers());
        DetachedRequest.start(proxy, request, exchange, new BackgroundFill(fill, request.headers()));
    }

    // ---- answers from the cache

    /** Serves a stored entry to a request that found it (no proxy involved): conditionals, a range, Age, X-Cache. */
    private void serve(HttpServerExchange exchange, StoredResponse entry, String status, boolean head) throws Exception {
        switch (Rules.conditions(exchange, entry)) {
            case NOT_MODIFIED:
                markStatus(exchange, status);
                Responses.notModified(exchange, entry, now());
                return;
            case TO_ORIGIN:
                // If-Match, If-Unmodified-Since: the origin's to decide, on what it has now.
                bypass(exchange);
                return;
            case FULL:
            default:
                markStatus(exchange, status);
                ByteRanges.Answer range = head ? null : Rules.range(exchange, entry);
                if (range instanceof ByteRanges.Part part) {
                    Responses.sendPart(exchange, entry, part, now(), sendTimeoutMs);
                } else if (range instanceof ByteRanges.Unsatisfiable none) {
                    Responses.unsatisfiable(exchange, none);
                } else {
                    Responses.send(exchange, entry, now(), head, sendTimeoutMs);
                }
        }
    }

    /** A waiter answered from its fill's stored entry; on its IO thread, outside any handler call. */
    void serveCollapsed(HttpServerExchange exchange, StoredResponse entry, String status, boolean head) {
        Connectors.executeRootHandler(ex -> {
            String secondary = CacheKeys.secondaryOf(entry.key());
            if (secondary != null && !secondary.equals(Rules.secondaryKey(entry, ex.getRequestHeaders()))) {
                toOriginNow(ex); // the fill refreshed another variant than this request's
                return;
            }
            serve(ex, entry, status, head);
        }, exchange);
    }

    /** A waiter reads a storable answer as it streams in; on its IO thread, outside any handler call. */
    void streamCollapsed(HttpServerExchange exchange, Fill.Head head, GrowingBody body, long requestTime,
                         boolean headOnly) {
        Connectors.executeRootHandler(ex -> {
            if (head.vary() != null && !head.secondary().equals(Rules.secondaryKey(head.fields(), ex.getRequestHeaders()))) {
                toOriginNow(ex); // the answer varies on a field this request has otherwise
                return;
            }
            markStatus(ex, HIT);
            Responses.head(ex, head.status(), head.fields(), head.length(),
                    Rules.ageSeconds(head.fields(), requestTime, head.responseTime(), now()));
            if (headOnly) {
                ex.endExchange();
                return;
            }
            BodyReader reader = new BodyReader(ex, body, sendTimeoutMs);
            ex.dispatch(SameThreadExecutor.INSTANCE, reader::start);
        }, exchange);
    }

    private void toOriginNow(HttpServerExchange exchange) throws Exception {
        markStatus(exchange, MISS);
        next.handleRequest(exchange);
    }

    /** The tap answers the first client itself (a refreshed or stale entry): replaces what the proxy set. */
    void answer(HttpServerExchange exchange, StoredResponse entry, String status, HeaderMap clientConditionals) {
        Rules.restoreClientConditionals(exchange.getRequestHeaders(), clientConditionals);
        Responses.clear(exchange);
        try {
            serve(exchange, entry, status, exchange.getRequestMethod().equals(Methods.HEAD));
        } catch (Exception e) {
            LOG.warn("answering from the cache failed: {}", e.toString());
            io.gatehouse.handler.ClientAbort.abort(exchange, null);
        }
    }

    void answerError(HttpServerExchange exchange, int status, String message) {
        Responses.clear(exchange);
        ErrorReply.send(exchange, status, message);
    }

    void markStatus(HttpServerExchange exchange, String status) {
        exchange.putAttachment(CacheStatus.KEY, status);
        exchange.getResponseHeaders().put(X_CACHE, status);
    }

    // ---- what the fill asks

    long now() {
        return cache.clock().getAsLong();
    }

    long maxObject() {
        return cache.maxObject();
    }

    CacheCounters counters() {
        return cache.counters();
    }

    /** The head of a storable answer, or null when it is not for the cache. */
    Fill.Head storableHead(int status, HeaderMap response, HeaderMap request, long bodyLength, long responseTime) {
        if (bodyLength > cache.maxObject()) {
            return null;
        }
        return Rules.storableHead(status, response, request, spec, bodyLength, responseTime);
    }

    /** The stored entry refreshed by a 304's fields, stored again; null when the 304 does not match it. */
    StoredResponse refreshed(StoredResponse stale, HeaderMap notModified, long requestTime, long responseTime) {
        StoredResponse r = Rules.refreshed(stale, notModified, requestTime, responseTime);
        if (r != null) {
            if (Rules.stillStorable(r, valid)) {
                cache.store().put(r);
            } else {
                cache.store().remove(r.key()); // the 304 said no-store or private: answered once, then forgotten
            }
        }
        return r;
    }

    /** The origin answered {@code status} to a revalidation: may the stale entry stand in (stale-if-error, cache_use_stale)? */
    boolean staleOnStatus(StoredResponse stale, HeaderMap request, int status) {
        boolean configured = spec.useStale().allowsStatus(status);
        return (configured || Rules.isOriginError(status)) && Rules.staleOnError(stale, request, now(), valid, configured);
    }

    /** The origin failed to answer a revalidation: may the stale entry stand in? */
    boolean staleOnFailure(StoredResponse stale, HeaderMap request, Outcome.Kind kind) {
        boolean configured = kind.timedOut() ? spec.useStale().allows(StaleUse.Condition.TIMEOUT)
                : spec.useStale().allows(StaleUse.Condition.ERROR);
        return Rules.staleOnError(stale, request, now(), valid, configured);
    }

    /**
     * A whole body of a storable answer to {@code fill}: stored. An answer that varies is stored under its
     * variant key, behind the URL's marker, which names the fields it varies on and the stamp that makes
     * its variants' keys: a marker with other fields (or none found) is replaced by a new one with a new
     * stamp, which leaves the variants of the old one out of reach (they age out of the tiers).
     */
    void store(Fill fill, Fill.Head head, GrowingBody body) {
        String key = fill.key;
        if (head.vary() != null) {
            StoredResponse marker = cache.store().memory(fill.key);
            long stamp;
            if (marker != null && Rules.isVaryMarker(marker) && Rules.varyNames(marker).equals(head.vary())) {
                stamp = Rules.markerStamp(marker);
            } else {
                stamp = head.responseTime();
                cache.store().put(Rules.varyMarker(fill.key, head.vary(), stamp));
            }
            key = CacheKeys.variant(fill.key, stamp, head.secondary());
        }
        cache.store().put(StoredResponse.of(key, head.status(), Rules.toStored(head.fields()), fill.requestTime,
                head.responseTime(), body.chunks()));
    }

    // ---- invalidation

    /** The unsafe request on {@code exchange} was answered (its head is set): what it names is invalidated. */
    void invalidateAfter(HttpServerExchange exchange) {
        for (EffectiveUri uri : Rules.invalidated(exchange)) {
            cache.invalidate(keys.urlPart(uri.scheme(), uri.host(), uri.path(), uri.query()), keys.hasHeaderParts());
        }
    }
}
