package io.gatehouse.cache.policy;

/**
 * What the policy needs to know of a stored response: its status, its stored header fields and when it
 * was fetched.
 *
 * <p>The times are RFC 9111 §4.2.3's {@code request_time} (when the request that filled or last
 * revalidated the entry was sent) and {@code response_time} (when its response head arrived), in epoch
 * milliseconds. A store's entry type may implement this interface directly; {@link #of} makes a plain one.
 */
public interface StoredHead {
    int status();

    /** The stored fields (already without hop-by-hop fields, {@code Set-Cookie} and named private fields). */
    Fields headers();

    long requestTime();

    long responseTime();

    /**
     * What the policy reads off this head once: made anew on every call here; a store's entry type keeps
     * it (the head does not change while stored).
     */
    default HeadFacts facts() {
        return HeadFacts.of(this);
    }

    static StoredHead of(int status, Fields headers, long requestTime, long responseTime) {
        return new Plain(status, headers, requestTime, responseTime);
    }

    /** The plain form {@link #of} returns. */
    record Plain(int status, Fields headers, long requestTime, long responseTime) implements StoredHead {
    }
}
