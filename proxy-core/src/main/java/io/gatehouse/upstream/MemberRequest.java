package io.gatehouse.upstream;

import io.gatehouse.upstream.http1.HeaderSink;
import io.undertow.util.HttpString;
import org.xnio.channels.StreamSourceChannel;

/**
 * What a {@link MemberExchange} sends a member: the request line, the header fields and, if there is
 * one, the body to stream up. Given by whoever needs the member's answer: the client proxy, a health
 * check, a cache fill. Called on the exchange's IO thread.
 */
public interface MemberRequest {
    HttpString method();

    /** The request-target sent to the member: path and query. */
    String target();

    /**
     * Writes the header fields for {@code member} (once per connection the request goes out on),
     * {@code Host} among them; framing fields are the exchange's ({@code Transfer-Encoding} when
     * {@link #chunked()}), and a {@code Content-Length} belongs here only when the body has that length.
     */
    void writeHead(HeaderSink head, MemberState member);

    /**
     * True when a body follows the head. A request with one is sent again (to another member) only
     * while none of its body was read, or all that was read is held ({@code retry_body_max}).
     */
    boolean hasBody();

    /** True when the body's length is unknown: it goes up in chunks. */
    boolean chunked();

    /** The body's length when known ({@code Content-Length}), else -1 (chunked, or no body). */
    default long bodyLength() {
        return -1;
    }

    /**
     * The body, asked for once, when a member has the head: what it takes to get it flowing happens here
     * (a {@code 100 Continue} to the client). Null when it cannot be read after all.
     */
    StreamSourceChannel openBody();

    /** The protocols offered for a switch ({@code Upgrade}), or null: then a 101 is a broken answer. */
    String upgradeOffer();

    /**
     * True for a method RFC 9110 §9.2.2 calls idempotent (GET, HEAD, OPTIONS, PUT, DELETE, TRACE): a
     * request that reached a member which then failed without a word of answer (or answered with a
     * {@code fail_on} status) may go to another member, and one a kept-alive connection turned out
     * closed for may go again on a new one. A request that reached no member goes on whatever its method.
     */
    boolean idempotent();

    /**
     * True when the request must go on a connection of its own, neither taken from the idle kept-alive
     * ones nor left among them afterwards: a health check, which tests that the member accepts
     * connections, asks for {@code Connection: close} and must not use up or fill the pool.
     */
    default boolean freshConnection() {
        return false;
    }
}
