package io.gatehouse.upstream.balance;

import io.gatehouse.upstream.MemberState;

/** Members a request has already been sent to or failed to connect to. */
public interface TriedMembers {
    TriedMembers NONE = member -> false;

    boolean contains(MemberState member);
}
