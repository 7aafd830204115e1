package io.gatehouse.log;

import io.undertow.util.AttachmentKey;

/**
 * What the request log keeps about a proxied request beyond its 17 fields: the cluster, the member
 * whose answer (or failure) the client got, and how many attempts it took. The proxy attaches itself
 * under {@link #KEY} (nothing is made for it); the access log reads it once, when the request ends.
 */
public interface UpstreamAttempts {
    AttachmentKey<UpstreamAttempts> KEY = AttachmentKey.create(UpstreamAttempts.class);

    /** The cluster's name as configured (without {@code @}), or the URL of a route's single upstream. */
    String cluster();

    /** The member of the last attempt, {@code host:port} as written in {@code members}, or null when none was tried. */
    String member();

    /** Attempts made: 1 when the first member answered, 0 when none could be tried. */
    int attempts();
}
