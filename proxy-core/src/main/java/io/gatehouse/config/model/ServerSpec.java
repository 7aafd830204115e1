package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
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
 */
public record ServerSpec(SourcePos pos, HostPort bind, SourcePos bindPos, String name, int threads, int processes,
                         boolean h2c) {
    public ServerSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(bindPos, "bindPos");
        Objects.requireNonNull(name, "name");
    }

    /** A listener without h2c. */
    public ServerSpec(SourcePos pos, HostPort bind, SourcePos bindPos, String name, int threads, int processes) {
        this(pos, bind, bindPos, name, threads, processes, false);
    }
}
