package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.Objects;

/**
 * One entry of a cluster's {@code members} list: {@code host:port}, optionally followed by
 * {@code weight=N} (1..256, default 1) and {@code backup}.
 */
public record MemberSpec(SourcePos pos, HostPort address, int weight, boolean backup) {
    public MemberSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(address, "address");
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1..256)");
        }
    }
}
