package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.List;
import java.util.Objects;

/**
 * An {@code [@name]} section: an upstream cluster, global by name.
 *
 * @param name     the name without the {@code @}
 * @param members  at least one member
 * @param ssl      {@code ssl = yes}: TLS to the members
 * @param strategy {@code strategy}: balancing strategy name (default {@code round_robin})
 * @param roles    {@code roles}: token roles of which one is required (empty: no token needed)
 * @param ips      {@code ips}: client address blocks as written (empty: any client)
 */
public record ClusterSpec(SourcePos pos, String name, List<MemberSpec> members, boolean ssl, String strategy,
                          List<String> roles, List<String> ips) {
    public ClusterSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        roles = List.copyOf(roles);
        ips = List.copyOf(ips);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("cluster " + name + " has no members");
        }
    }
}
