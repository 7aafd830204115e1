/**
 * Where Gatehouse keeps cached answers: a memory tier bounded in bytes ({@link io.gatehouse.cache.store.MemoryTier}),
 * a persistent disk tier ({@link io.gatehouse.cache.store.DiskTier}) and the store over both
 * ({@link io.gatehouse.cache.store.TieredStore}), with the stored entry format
 * ({@link io.gatehouse.cache.store.StoredResponse}) and the statistics view ({@link io.gatehouse.cache.store.CacheStatsView}).
 *
 * <p>Nothing here knows HTTP caching rules: what may be stored and for how long is decided by
 * {@code io.gatehouse.cache.policy} and the cache stage before an entry reaches the store.
 */
package io.gatehouse.cache.store;
