package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;

/**
 * Chooses one member for one request. Immutable over its member list; counters live in
 * {@link MemberState}. Must not allocate on the hot path.
 */
public interface Picker {
    /**
     * @param key     what the request offers for sticky strategies (client address, hash key)
     * @param tried   members already tried for this request (a retry goes elsewhere)
     * @return a usable member, or null when none is left
     */
    MemberState pick(RequestKey key, TriedMembers tried);
}
