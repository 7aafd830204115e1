package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.util.List;
import java.util.Objects;

/**
 * A site's {@code [server]} section: the listener address and the sizing keys.
 *
 * @param pos       the {@code [server]} section header (or the file, when the section is absent)
 * @param bind      {@code ip} and {@code port} (defaults 127.0.0.1:5000)
 * @param bindPos   where the address was written, for a listener that cannot be bound: the {@code port}
 *                  line, else the {@code ip} line, else {@code pos}
 * @param name      {@code name}, the server name used in logs when a request names no host ("" if unset)
 * @param threads   {@code threads}: worker threads for blocking work (default 4)
 * @param processes {@code processes}: event loops (IO threads) in Gatehouse's one JVM (default 1)
 * @param h2c       {@code h2c}: a plain-HTTP listener also takes HTTP/2 with prior knowledge (default no)
 * @param trustedProxies    {@code trusted_proxies}: addresses and CIDR blocks as written, whose
 *                          {@code X-Forwarded-For} is believed (empty: the client is always the socket peer);
 *                          parsed and checked by the auth module
 * @param trustedProxiesPos the {@code trusted_proxies} line (or {@code pos} when not written)
 */
public record ServerSpec(SourcePos pos, HostPort bind, SourcePos bindPos, String name, int threads, int processes,
                         boolean h2c, List<String> trustedProxies, SourcePos trustedProxiesPos) {
    public ServerSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(bindPos, "bindPos");
        Objects.requireNonNull(name, "name");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(trustedProxiesPos, "trustedProxiesPos");
    }

    /** A listener that trusts no proxy. */
    public ServerSpec(SourcePos pos, HostPort bind, SourcePos bindPos, String name, int threads, int processes,
                      boolean h2c) {
        this(pos, bind, bindPos, name, threads, processes, h2c, List.of(), pos);
    }

    /** A listener without h2c. */
    public ServerSpec(SourcePos pos, HostPort bind, SourcePos bindPos, String name, int threads, int processes) {
        this(pos, bind, bindPos, name, threads, processes, false);
    }
}
