package io.gatehouse.server;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests in flight across all listeners, so a stop can wait for them (graceful drain).
 * While draining, answers carry {@code Connection: close} so clients move on.
 */
public final class InFlight implements ExchangeCompletionListener {
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean draining;

    void enter(HttpServerExchange exchange) {
        count.incrementAndGet();
        exchange.addExchangeCompleteListener(this);
        if (draining) {
            exchange.setPersistent(false);
        }
    }

    @Override
    public void exchangeEvent(HttpServerExchange exchange, NextListener nextListener) {
        count.decrementAndGet();
        nextListener.proceed();
    }

    public int count() {
        return count.get();
    }

    public void startDraining() {
        draining = true;
    }

    /** Waits until no request is in flight or the deadline passes; true when drained. */
    public boolean awaitDrained(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (count.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
