package io.gatehouse.config.model;

import java.util.List;
import java.util.Objects;

/**
 * One {@code *.conf} file: its listener, limits, TLS and gateway sections, and its route map.
 *
 * @param file   the file as the operator would name it ({@code conf.d/site.conf})
 * @param vhosts the route map; the default group (no {@code @} line) first when present
 */
public record SiteSpec(String file, ServerSpec server, TuneFactors tune, SslSpec ssl, GatewaySpec gateway,
                       List<VirtualHostSpec> vhosts) {
    public SiteSpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(tune, "tune");
        Objects.requireNonNull(ssl, "ssl");
        Objects.requireNonNull(gateway, "gateway");
        vhosts = List.copyOf(vhosts);
    }
}
