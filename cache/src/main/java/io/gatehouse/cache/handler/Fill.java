package io.gatehouse.cache.handler;

import io.gatehouse.cache.store.StoredResponse;
import io.gatehouse.spi.ResponseTap;
import io.gatehouse.upstream.Outcome;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One trip to the origin for a key that is not in the cache (or is stale), and everything that waits on
 * it: the client that caused it, whose answer streams through the proxy as usual while this tap copies
 * it, and the clients that asked for the same key meanwhile ({@link Waiter}s), who wait for the answer's
 * head and then read the body as it grows — one origin request for all of them (collapsing). A fill
 * is found through {@link ResponseCacheHandler#fills} while its head is awaited or its body is coming
 * (until it is stored or will not be).
 *
 * <p>At the head the route decides: storable (the body is copied as it streams and stored when whole
 * and its length checked; waiters stream it, or, when its length is unknown and it may yet outgrow
 * {@code cache_max_object}, read it once whole or go to the origin when it outgrew it), not storable (waiters go to the origin themselves), or,
 * for a revalidation, a 304 (the stored entry is refreshed and everyone is answered from it) or an error
 * the configuration lets a stale entry stand in for. The fill runs on the first client's IO thread;
 * waiters are woken on their own.
 */
final class Fill implements ResponseTap {
    private static final int AWAITING_HEAD = 0;
    /** Storable: the body streams into {@link #body}. */
    private static final int STREAMING = 1;
    /** Answered from a stored entry (a 304 refreshed it, or a stale one stands in): {@link #answer}. */
    private static final int FROM_ENTRY = 2;
    /** Not for the cache, or failed: waiters go to the origin themselves. */
    private static final int RELEASED = 3;
    /**
     * Storable but of unknown length: the body may yet outgrow {@code cache_max_object}, so the waiters
     * keep waiting until it is whole (then read it) or not (then go to the origin themselves).
     */
    private static final int COLLECTING = 4;

    final ResponseCacheHandler route;
    final String key;
    /** The stale entry being revalidated, or null for a plain miss. */
    final StoredResponse stale;
    /** When the request went out (RFC 9111's request_time), epoch millis. */
    final long requestTime;
    /** The request that went out is a HEAD (revalidating a stale entry): its answer has no body to store. */
    private final boolean headOnly;

    /** The first client's own conditional fields, taken out of its request while the cache asks the origin; or null. */
    HeaderMap clientConditionals;

    private final List<Waiter> waiters = new ArrayList<>(2);
    private int phase = AWAITING_HEAD;
    private Head head;
    private GrowingBody body;
    private StoredResponse answer;
    private String answerStatus;

    Fill(ResponseCacheHandler route, String key, StoredResponse stale, long requestTime, boolean headOnly) {
        this.route = route;
        this.key = key;
        this.stale = stale;
        this.requestTime = requestTime;
        this.headOnly = headOnly;
    }

    // ---- the waiters

    /**
     * Adds a client asking for this key; false when the fill can no longer serve it (released: the
     * caller goes to the origin itself). May answer it before returning.
     */
    boolean join(Waiter w) {
        int p;
        synchronized (this) {
            p = phase;
            if (p == AWAITING_HEAD || p == COLLECTING) {
                waiters.add(w);
                return true;
            }
        }
        if (p == RELEASED || p == STREAMING && body.isBroken()) {
            return false;
        }
        deliver(w);
        return true;
    }

    /** A waiter gives up waiting for the head (its bounded wait ran out): true when it was still waiting. */
    synchronized boolean leave(Waiter w) {
        return waiters.remove(w);
    }

    private void deliver(Waiter w) {
        if (phase == FROM_ENTRY) {
            w.entry(answer, answerStatus);
        } else {
            w.streaming(head, body);
        }
    }

    private void settle(int to) {
        List<Waiter> now;
        synchronized (this) {
            phase = to;
            now = List.copyOf(waiters);
            waiters.clear();
        }
        if (to != STREAMING) {
            forget(); // while the body is coming, later requests read it too
        }
        for (Waiter w : now) {
            if (to == RELEASED) {
                w.released();
            } else {
                deliver(w);
            }
        }
    }

    /** The fill is over: the next request for the key starts its own. */
    private void forget() {
        route.fills.remove(key, this);
    }

    /**
     * The first client's exchange ended without the tap ever seeing an answer's head: something other
     * than the member answered it (a static file in front of the cluster on the same route, a fixed
     * answer, a refusal by a later stage). Waiters go to the origin themselves at once instead of
     * waiting out the lock timeout, and, when the client was answered ({@code answered}) rather than
     * gone before any answer, for a while the key's requests do not wait on one another.
     */
    void answeredElsewhere(boolean answered) {
        synchronized (this) {
            if (phase != AWAITING_HEAD || body != null) {
                return;
            }
        }
        if (answered) {
            route.notCollapsible(this);
        }
        settle(RELEASED);
    }

    // ---- the tap on the first client's answer

    @Override
    public Next head(HttpServerExchange exchange, long bodyLength) {
        return decide(exchange.getStatusCode(), exchange.getResponseHeaders(), exchange.getRequestHeaders(), bodyLength,
                exchange);
    }

    /**
     * The answer's head: what becomes of the fill and its waiters, and of the first client when there is
     * one ({@code exchange}; null for a background refresh, which answers nobody).
     */
    Next decide(int status, HeaderMap response, HeaderMap request, long bodyLength, HttpServerExchange exchange) {
        long responseTime = route.now();
        if (stale != null && status == 304) {
            StoredResponse refreshed = route.refreshed(stale, response, requestTime, responseTime);
            if (refreshed == null) {
                // Validators that do not match what is stored: the conditional was the cache's, so the
                // client cannot use a bare 304, and there is nothing to store.
                if (exchange != null) {
                    route.answerError(exchange, 502,
                            "the origin answered a revalidation with a 304 that does not match the stored entry");
                }
                settle(RELEASED);
                return Next.ANSWERED;
            }
            return fromEntry(refreshed, ResponseCacheHandler.REVALIDATED, exchange);
        }
        if (stale != null && route.staleOnStatus(stale, request, status)) {
            return fromEntry(stale, ResponseCacheHandler.STALE, exchange);
        }
        // A full answer to a HEAD has no body: it never replaces the GET's entry (a 304 above refreshed it).
        Head h = headOnly ? null : route.storableHead(status, response, request, bodyLength, responseTime);
        if (exchange != null) {
            route.markStatus(exchange, stale != null ? ResponseCacheHandler.EXPIRED : ResponseCacheHandler.MISS);
        }
        if (h == null) {
            route.notCollapsible(this);
            settle(RELEASED);
            return Next.PASS;
        }
        route.collapsible(this);
        head = h;
        body = new GrowingBody(route.maxObject());
        if (h.length() < 0) {
            synchronized (this) {
                phase = COLLECTING; // a waiter must not stream what may be cut short for it alone
            }
            return Next.COPY;
        }
        settle(STREAMING);
        return Next.COPY;
    }

    private Next fromEntry(StoredResponse entry, String status, HttpServerExchange exchange) {
        answer = entry;
        answerStatus = status;
        if (exchange != null) {
            route.answer(exchange, entry, status, clientConditionals);
        }
        settle(FROM_ENTRY);
        return Next.ANSWERED;
    }

    @Override
    public void body(ByteBuffer bytes) {
        GrowingBody b = body;
        if (b != null && !b.append(bytes)) {
            // past cache_max_object it breaks: the rest streams through, nothing is stored
            forget();
            if (collecting()) {
                settle(RELEASED);
            }
        }
    }

    @Override
    public void end() {
        GrowingBody b = body;
        if (b == null) {
            return;
        }
        if (b.isBroken() || head.length() >= 0 && b.length() != head.length()) {
            forget();
            b.abandon(); // it outgrew cache_max_object, or the framing said otherwise: never stored
            if (collecting()) {
                settle(RELEASED);
            }
            return;
        }
        route.store(this, head, b);
        forget(); // stored: later requests find the entry
        b.complete();
        if (collecting()) {
            settle(STREAMING); // the waiters read the whole body
        }
    }

    private synchronized boolean collecting() {
        return phase == COLLECTING;
    }

    @Override
    public boolean failed(HttpServerExchange exchange, Outcome.Kind kind, boolean answerBegun) {
        return failed(exchange == null ? null : exchange.getRequestHeaders(), kind, answerBegun, exchange);
    }

    /** As {@link #failed(HttpServerExchange, Outcome.Kind, boolean)}, with no client for a background refresh. */
    boolean failed(HeaderMap request, Outcome.Kind kind, boolean answerBegun, HttpServerExchange exchange) {
        GrowingBody b = body;
        if (b != null) {
            forget();
            b.abandon();
            if (collecting()) {
                settle(RELEASED);
            }
            return false;
        }
        if (phase != AWAITING_HEAD) {
            return false;
        }
        if (!answerBegun && stale != null && route.staleOnFailure(stale, request, kind)) {
            fromEntry(stale, ResponseCacheHandler.STALE, exchange);
            return true;
        }
        settle(RELEASED);
        return false;
    }

    /** The first client left while the body was coming: the fill goes on while it can still be stored. */
    @Override
    public boolean continueWithoutClient() {
        GrowingBody b = body;
        if (b != null && !b.isBroken()) {
            return true;
        }
        forget();
        return false;
    }

    /** What a storable answer's head holds, as the waiters and the stored entry need it. */
    record Head(int status, io.gatehouse.cache.policy.FieldList fields, long length, long responseTime,
                List<String> vary, String secondary) {
    }
}
