package io.gatehouse.cache.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the cache stage counts beside the store: requests that waited on another's fill, revalidations
 * with the member, stale answers served, and requests that went past the cache.
 *
 * <p>Incremented on IO threads without contention; read into {@link CacheStatsView}.
 */
public final class CacheCounters {

    private final LongAdder collapsed = new LongAdder();
    private final LongAdder revalidations = new LongAdder();
    private final LongAdder staleServed = new LongAdder();
    private final LongAdder bypasses = new LongAdder();

    /** A request for a key already being filled waited for that fill instead of asking the member. */
    public void addCollapsed() {
        collapsed.increment();
    }

    /** A stored entry was revalidated with the member (a conditional request). */
    public void addRevalidation() {
        revalidations.increment();
    }

    /** A stale entry was served (stale-while-revalidate, stale-if-error, cache_use_stale). */
    public void addStaleServed() {
        staleServed.increment();
    }

    /** A request went past the cache (method, directives, or a body too large to store). */
    public void addBypass() {
        bypasses.increment();
    }

    public long collapsed() {
        return collapsed.sum();
    }

    public long revalidations() {
        return revalidations.sum();
    }

    public long staleServed() {
        return staleServed.sum();
    }

    public long bypasses() {
        return bypasses.sum();
    }
}
