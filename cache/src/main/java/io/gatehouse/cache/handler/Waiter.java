package io.gatehouse.cache.handler;

import io.gatehouse.cache.store.StoredResponse;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * A client that asked for a key while another client's {@link Fill} was on its way: it waits for that
 * answer's head (at most {@link ResponseCacheHandler#LOCK_TIMEOUT_MS}, then it goes to the origin
 * itself, as nginx's {@code proxy_cache_lock_timeout}), then reads the body as it grows, or is answered
 * from the refreshed entry, or goes to the origin itself when the answer is not for the cache. Every
 * step runs on the client's own IO thread, so its one flag needs no lock.
 */
final class Waiter {
    private final ResponseCacheHandler route;
    private final HttpServerExchange exchange;
    private final Fill fill;
    private final boolean headOnly;
    private XnioExecutor.Key timer;
    private boolean settled;

    Waiter(ResponseCacheHandler route, HttpServerExchange exchange, Fill fill, boolean headOnly) {
        this.route = route;
        this.exchange = exchange;
        this.fill = fill;
        this.headOnly = headOnly;
    }

    /** Joins the fill and starts the bounded wait; false when the fill takes no more waiters. On the client's IO thread. */
    boolean start() {
        timer = exchange.getIoThread().executeAfter(this::timedOut, ResponseCacheHandler.LOCK_TIMEOUT_MS,
                TimeUnit.MILLISECONDS);
        if (!fill.join(this)) {
            settle();
            return false;
        }
        return true;
    }

    private void timedOut() {
        if (!settled && fill.leave(this) && settle()) {
            route.toOrigin(exchange, "waited " + ResponseCacheHandler.LOCK_TIMEOUT_MS + " ms for another request's fill");
        }
    }

    /** The fill's answer is not for the cache (or it failed): the origin, directly. */
    void released() {
        onThread(() -> route.toOrigin(exchange, null));
    }

    /** Answered from a stored entry (refreshed by a 304, or a stale one standing in). */
    void entry(StoredResponse entry, String status) {
        onThread(() -> route.serveCollapsed(exchange, entry, status, headOnly));
    }

    /** A storable answer is streaming in. */
    void streaming(Fill.Head head, GrowingBody body) {
        onThread(() -> route.streamCollapsed(exchange, head, body, fill.requestTime, headOnly));
    }

    private void onThread(Runnable r) {
        exchange.getIoThread().execute(() -> {
            if (settle()) {
                r.run();
            }
        });
    }

    /** True the first time: this waiter's outcome is decided now. */
    private boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        if (timer != null) {
            timer.remove();
        }
        return true;
    }
}
