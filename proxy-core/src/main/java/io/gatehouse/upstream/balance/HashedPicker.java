package io.gatehouse.upstream.balance;

import io.gatehouse.config.model.HashKey;
import io.gatehouse.upstream.MemberState;

/**
 * The picker of the hash strategies ({@code ip_hash}, {@code consistent_hash}): the request's key is
 * hashed once and looked up among the primaries, then among the backups; a request without the key
 * goes to {@code noKey} (round robin), as HAProxy's {@code balance hdr} does.
 */
final class HashedPicker implements Picker {
    /** Primaries or backups laid out for lookup by hash (a slot table, a ring). */
    interface Group {
        /** The member {@code hash} leads to that can take the request, or null when none can. */
        MemberState pick(long hash, TriedMembers tried);
    }

    private final Group primary;
    private final Group backup;
    private final HashKey hashKey;
    private final Picker noKey;

    HashedPicker(Group primary, Group backup, HashKey hashKey, Picker noKey) {
        this.primary = primary;
        this.backup = backup;
        this.hashKey = hashKey;
        this.noKey = noKey;
    }

    @Override
    public MemberState pick(RequestKey key, TriedMembers tried) {
        long hash = key.hash(hashKey);
        if (hash == RequestKey.NO_KEY) {
            return noKey.pick(key, tried);
        }
        MemberState m = primary.pick(hash, tried);
        return m != null ? m : backup.pick(hash, tried);
    }
}
