package io.gatehouse.spi;

import io.gatehouse.upstream.Outcome;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.nio.ByteBuffer;

/**
 * Sees a proxied answer as Gatehouse passes it from a member to the client, for a stage that keeps a
 * copy (the response cache). A stage attaches one to the exchange under {@link #KEY} before the
 * request reaches the proxy; without one the proxy does no extra work. Every call comes on the
 * exchange's IO thread, in this order: {@link #head} once, then {@link #body} as the body comes, then
 * {@link #end}; or {@link #failed} at any point instead of what has not come yet.
 */
public interface ResponseTap {
    AttachmentKey<ResponseTap> KEY = AttachmentKey.create(ResponseTap.class);

    /** What the proxy does with the rest of the answer, as the tap decided from its head. */
    enum Next {
        /** The tap wants nothing more: the answer goes to the client as if there were no tap. */
        PASS,
        /** The answer goes to the client, and every body byte written to it goes to {@link #body} too. */
        COPY,
        /**
         * The tap has answered the client itself (or will): the proxy writes nothing more to it, reads
         * the member's body into {@link #body} only, and ends with {@link #end} or {@link #failed}.
         */
        ANSWERED
    }

    /**
     * The member's answer head, already set on {@code exchange}'s response as the client would get it
     * (status, end-to-end fields, {@code Via}); nothing is written yet, so a tap answering itself may
     * change or replace all of it.
     *
     * @param bodyLength the body's length, 0 when it has none (HEAD, 204, 304), -1 when unknown until its end
     */
    Next head(HttpServerExchange exchange, long bodyLength);

    /**
     * Body bytes, read-only and valid during this call only: what was written to the client (after
     * {@link Next#COPY}), or what came from the member (after {@link Next#ANSWERED}, or once the client
     * left and {@link #continueWithoutClient} said to go on).
     */
    void body(ByteBuffer bytes);

    /** The whole answer came from the member and every byte of it went to {@link #body}. */
    void end();

    /**
     * The answer failed. Before its head ({@code answerBegun} false) the tap may answer the client itself
     * (a stale copy, when the configuration allows): true says it did, and the proxy then sends no error.
     * After the head the answer was cut short (what {@link #body} got is incomplete) and the result is
     * ignored.
     */
    boolean failed(HttpServerExchange exchange, Outcome.Kind kind, boolean answerBegun);

    /**
     * The client left (or was too slow) while the answer was being copied: true keeps the member's answer
     * coming into {@link #body} (others wait on it); false gives it up. Asked at most once.
     */
    default boolean continueWithoutClient() {
        return false;
    }
}
