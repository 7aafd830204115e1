package io.gatehouse.handler;

import io.undertow.util.AttachmentKey;

/**
 * Who a request was made by, once an auth stage has verified it: the user name and the token's
 * fingerprint (never the token). Read by the request log (fields 13 and 14).
 */
public record AuthenticatedUser(String user, String tokenFingerprint) {
    public static final AttachmentKey<AuthenticatedUser> KEY = AttachmentKey.create(AuthenticatedUser.class);
}
