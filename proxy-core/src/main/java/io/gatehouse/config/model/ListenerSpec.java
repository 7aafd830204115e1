package io.gatehouse.config.model;

import java.util.List;
import java.util.Objects;

/**
 * One {@code ip:port} and the sites that share it, in lexical file order. Connection-level settings
 * ({@code keep_alive}, {@code header_timeout}, {@code max_header_size}) come from the first site.
 */
public record ListenerSpec(HostPort bind, List<SiteSpec> sites) {
    public ListenerSpec {
        Objects.requireNonNull(bind, "bind");
        sites = List.copyOf(sites);
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("listener " + bind + " has no site");
        }
    }

    /** The site whose connection-level settings the listener uses. */
    public SiteSpec primary() {
        return sites.get(0);
    }

    /**
     * True when HTTP/2 may arrive here: TLS with {@code http2 = yes} (ALPN), or {@code h2c = yes}; the
     * first site decides, as for the listener's other connection-level settings.
     */
    public boolean speaksHttp2() {
        SiteSpec first = primary();
        return first.ssl().enabled() ? first.ssl().http2() : first.server().h2c();
    }
}
