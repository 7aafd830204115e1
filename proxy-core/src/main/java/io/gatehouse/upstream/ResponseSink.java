package io.gatehouse.upstream;

import io.gatehouse.upstream.http1.ResponseHead;
import java.nio.ByteBuffer;
import org.xnio.StreamConnection;

/**
 * Where a {@link MemberExchange} puts the member's answer: the client proxy, a cache fill, a health
 * check. Called on the exchange's IO thread, in this order: {@link #attemptFailed} for each attempt
 * another member took over from, then {@link #head} once, then {@link #body} and {@link #flush} as the
 * body comes, then {@link #end}; or {@link #switched} after a 101's head; or {@link #failed} at any
 * point, instead of what has not come yet. Exactly one of {@code end},
 * {@code switched} and {@code failed} ends it, unless the caller cancels first.
 */
public interface ResponseSink {
    /**
     * The answer's head (interim 1xx answers are read past). {@code head} is the IO thread's parser:
     * valid during this call only.
     *
     * @param bodyLength the body's length, 0 when it has none (HEAD, 204, 304), -1 when it is known only
     *                   at its end (chunks, or until the member closes)
     */
    void head(ResponseHead head, long bodyLength);

    /**
     * Takes as much of {@code chunk} as it can now (its position moves past what was taken). False when
     * it took less than all: the exchange stops reading from the member until
     * {@link MemberExchange#resume()}. A sink that fails here cancels the exchange and returns false.
     */
    boolean body(ByteBuffer chunk);

    /**
     * The member has nothing more for now: push out what is held back. False when that has to wait:
     * the exchange waits for {@link MemberExchange#resume()} as after {@link #body}.
     */
    boolean flush();

    /** The whole answer came; the member connection is already back in its pool or closed. */
    void end();

    /**
     * The member switched protocols (its 101 went to {@link #head}): the connection is now the sink's,
     * with the bytes the member sent right behind its 101 (possibly none).
     */
    void switched(StreamConnection member, ByteBuffer early);

    /**
     * The exchange failed: before the head (the sink answers for it) or after (the answer is cut short).
     * The outcome is the last attempt's, or {@link Outcome.Kind#NO_MEMBER} when none could be made, or
     * {@link Outcome.Kind#OVERLOADED} when every usable member was at {@code max_connections} and the
     * queue was full or the wait in it ran out.
     */
    void failed(Outcome outcome);

    /**
     * An attempt failed and the exchange goes on with another member (see {@link MemberExchange} for
     * which failures do), or waits in the queue for one under {@code max_connections}.
     * Every failed attempt reaches the sink once: here, or in {@link #failed} when it ended the exchange;
     * so a refused first member and a good second one are one call here, then {@link #head}. Called
     * before the next attempt starts, never on a whole answer. Nothing happens by default.
     */
    default void attemptFailed(Outcome outcome) {
    }
}
