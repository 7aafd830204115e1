package io.gatehouse.upstream;

import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import org.xnio.channels.StreamSourceChannel;

/**
 * A {@link MemberRequest} that Gatehouse makes itself, with no client body behind it: a GET with no
 * body and no protocol switch, which may go to another member like any idempotent request (a health
 * check, a cache's background refresh). Implementers give the target and the head.
 */
public interface BodylessGet extends MemberRequest {
    @Override
    default HttpString method() {
        return Methods.GET;
    }

    @Override
    default boolean hasBody() {
        return false;
    }

    @Override
    default boolean chunked() {
        return false;
    }

    @Override
    default StreamSourceChannel openBody() {
        return null;
    }

    @Override
    default String upgradeOffer() {
        return null;
    }

    @Override
    default boolean idempotent() {
        return true;
    }
}
