/**
 * What a shared HTTP cache may store and serve, by RFC 9111 (RFC 9110 for conditionals, RFC 5861 for
 * serving stale), as pure functions over plain values: no server, no store, no clock. Time comes in as
 * epoch milliseconds.
 *
 * <p>The vocabulary: {@link io.gatehouse.cache.policy.Fields} and {@link io.gatehouse.cache.policy.FieldList}
 * (header fields), {@link io.gatehouse.cache.policy.StoredHead} (a stored response's status, fields and
 * times), {@link io.gatehouse.cache.policy.CacheControl}, {@link io.gatehouse.cache.policy.HttpDates},
 * {@link io.gatehouse.cache.policy.EntityTag}, {@link io.gatehouse.cache.policy.FieldElements} (list fields)
 * and {@link io.gatehouse.cache.policy.EffectiveUri}.
 *
 * <p>The rules, in the order a request meets them:
 * <ol>
 *   <li>{@link io.gatehouse.cache.policy.Lookup#usesCache}: only GET and HEAD look in the cache;
 *       {@link io.gatehouse.cache.policy.SecondaryKey} picks the {@code Vary} variant;</li>
 *   <li>{@link io.gatehouse.cache.policy.Lookup#decide}: fresh, stale but servable, stale while
 *       revalidating, revalidate, or 504 for {@code only-if-cached};</li>
 *   <li>{@link io.gatehouse.cache.policy.ClientConditionals}: 304 or the stored response;</li>
 *   <li>{@link io.gatehouse.cache.policy.Revalidation}: the conditional request, whether a 304 applies and
 *       how it updates the stored fields; {@link io.gatehouse.cache.policy.Lookup#staleOnError} when the
 *       origin fails instead;</li>
 *   <li>{@link io.gatehouse.cache.policy.Storability}: whether a response from the origin is stored, and
 *       which of its fields; {@link io.gatehouse.cache.policy.Freshness}: its lifetime and age;</li>
 *   <li>{@link io.gatehouse.cache.policy.Invalidation}: what an unsafe request makes outdated.</li>
 * </ol>
 * Where the RFC leaves a choice, the class that makes it says which, and why, under "Choice".
 */
package io.gatehouse.cache.policy;
