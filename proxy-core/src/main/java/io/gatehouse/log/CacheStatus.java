package io.gatehouse.log;

import io.undertow.util.AttachmentKey;

/**
 * What the response cache did with a request, as its {@code X-Cache} field says it ({@code HIT},
 * {@code MISS}, {@code STALE}, {@code REVALIDATED}, {@code BYPASS}, {@code EXPIRED}): the cache attaches
 * it under {@link #KEY}; the request log's JSON form and ring records carry it after the 17 fields.
 */
public final class CacheStatus {
    public static final AttachmentKey<String> KEY = AttachmentKey.create(String.class);

    private CacheStatus() {
    }
}
