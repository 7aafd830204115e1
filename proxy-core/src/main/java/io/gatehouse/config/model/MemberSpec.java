package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/**
 * One entry of a cluster's {@code members} list: {@code host:port}, optionally followed by
 * {@code weight=N} (1..256, default 1), {@code backup} and {@code down} (listed but given no requests,
 * as nginx's {@code down}).
 */
public record MemberSpec(SourcePos pos, HostPort address, int weight, boolean backup, boolean down) {
    public MemberSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(address, "address");
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1..256)");
        }
    }

    /** A member that is not marked {@code down}. */
    public MemberSpec(SourcePos pos, HostPort address, int weight, boolean backup) {
        this(pos, address, weight, backup, false);
    }
}
