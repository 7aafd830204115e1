package io.gatehouse.handler;

import io.undertow.util.AttachmentKey;

/**
 * The two ids of a request: {@code gtid}, the global transaction id that travels between services
 * (taken from the client's {@code X-Request-ID}, {@code X-Correlation-ID} or {@code Request-ID}, or
 * made here), and {@code ltid}, this process's own sequence number.
 */
public record RequestIds(String gtid, long ltid) {
    public static final AttachmentKey<RequestIds> KEY = AttachmentKey.create(RequestIds.class);
}
