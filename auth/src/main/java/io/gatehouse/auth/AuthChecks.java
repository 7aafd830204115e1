package io.gatehouse.auth;

import io.gatehouse.auth.access.IpAllowList;
import io.gatehouse.auth.access.TrustedProxies;
import io.gatehouse.auth.chain.TokenSettings;
import io.gatehouse.auth.token.JwksKeySet;
import io.gatehouse.auth.token.JwtSpec;
import io.gatehouse.auth.token.OpaqueTokenFile;
import io.gatehouse.config.bind.Problem;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.config.model.KeyPositions;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.Target;
import io.gatehouse.config.model.VirtualHostSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.spi.ConfigCheck;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code gatehouse check}, the start and a reload refuse about tokens and access rules, each at
 * its {@code file:line}: a cluster with {@code roles} that a site routes to without checking tokens
 * (fail closed), {@code authenticate = yes} with no key, a {@code secret_key} shorter than 32 bytes,
 * algorithms unknown or without their key ({@code HS256} without {@code secret_key}, {@code RS256}
 * without {@code jwks}), a JWKS file or token file that does not load, and {@code ips} or
 * {@code trusted_proxies} entries that are not addresses or CIDR blocks. Keys that have no effect are
 * warned about. A JWKS URL is not fetched here: its first fetch happens before the configuration
 * serves, and a failure keeps requests refused (401), never open.
 */
public final class AuthChecks implements ConfigCheck {
    private final Clock clock;

    public AuthChecks() {
        this(Clock.systemUTC());
    }

    /** With the clock token file expiries and JWKS loads are read with. */
    public AuthChecks(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<Problem> check(GatehouseConfig config) {
        List<Problem> out = new ArrayList<>();
        Path base = TokenSettings.base(config);
        for (SiteSpec site : config.sites()) {
            trustedProxies(site, out);
            gateway(site, base, out);
            routesToRoles(config, site, out);
        }
        for (ClusterSpec cluster : config.clusters().values()) {
            IpAllowList.Parsed ips = IpAllowList.parse("ips", cluster.ips());
            SourcePos pos = cluster.keys().of("ips");
            ips.problems().forEach(p -> out.add(error(pos, "[@" + cluster.name() + "] " + p)));
            ips.warnings().forEach(w -> out.add(warning(pos, "[@" + cluster.name() + "] " + w)));
        }
        return out;
    }

    private static void trustedProxies(SiteSpec site, List<Problem> out) {
        TrustedProxies.Parsed parsed = TrustedProxies.parse(site.server().trustedProxies());
        SourcePos pos = site.server().trustedProxiesPos();
        parsed.problems().forEach(p -> out.add(error(pos, "[server] " + p)));
        parsed.warnings().forEach(w -> out.add(warning(pos, "[server] " + w)));
    }

    private void gateway(SiteSpec site, Path base, List<Problem> out) {
        GatewaySpec g = site.gateway();
        if (!g.authenticates()) {
            return;
        }
        KeyPositions keys = g.keys();
        if (!g.hasKeySource()) {
            out.add(error(keys.of("authenticate"), "[api-gateway] authenticate = yes needs a key to check tokens"
                    + " with: secret_key (HS256), jwks (RS256, PS256, ES256) or token_file (opaque tokens)"));
            return;
        }
        List<TokenSettings.KeyProblem> problems = TokenSettings.problems(g, base);
        problems.forEach(p -> out.add(error(keys.of(p.key()), "[api-gateway] " + p.message())));
        Set<String> algorithms = TokenSettings.algorithms(g);
        boolean hmac = algorithms.stream().anyMatch(JwtSpec.HMAC::contains);
        boolean publicKey = algorithms.stream().anyMatch(JwtSpec.PUBLIC_KEY::contains);
        if (!g.secretKey().isEmpty() && !hmac) {
            out.add(warning(keys.of("secret_key"), "[api-gateway] secret_key has no effect: algorithms lists no"
                    + " HS256, HS384 or HS512"));
        }
        if (!g.jwks().isEmpty() && !publicKey) {
            out.add(warning(keys.of("jwks"), "[api-gateway] jwks has no effect: algorithms lists no public-key"
                    + " algorithm (RS256, PS256, ES256, ...)"));
        }
        if (publicKey && problems.stream().noneMatch(p -> p.key().equals("jwks"))) {
            Optional<URI> jwks = TokenSettings.jwks(g, base);
            if (jwks.isPresent() && "http".equals(jwks.get().getScheme())) {
                out.add(warning(keys.of("jwks"), "[api-gateway] jwks over plain http: anyone on the way can"
                        + " replace the keys and sign their own tokens; use https"));
            }
            if (jwks.isPresent() && "file".equals(jwks.get().getScheme())) {
                JwksKeySet set = new JwksKeySet(jwks.get(), Duration.ofMinutes(1), clock, Runnable::run);
                set.refresh().join();
                if (set.lastProblem() != null) {
                    String problem = set.lastProblem().replace(" (no keys yet)", "")
                            .replace("jwks " + jwks.get(), "jwks " + Path.of(jwks.get()));
                    out.add(error(keys.of("jwks"), "[api-gateway] " + problem));
                }
            }
        }
        Optional<Path> tokenFile = TokenSettings.tokenFile(g, base);
        if (!g.tokenFile().isEmpty() && tokenFile.isEmpty()) {
            out.add(error(keys.of("token_file"), "[api-gateway] token_file must be a file path, got " + g.tokenFile()));
        } else if (tokenFile.isPresent()) {
            OpaqueTokenFile file = new OpaqueTokenFile(tokenFile.get(), Duration.ofMinutes(1), clock, Runnable::run);
            file.reload().join();
            file.problems().forEach(p -> out.add(error(keys.of("token_file"), "[api-gateway] token_file " + p)));
        }
    }

    /** Every route line of {@code site} to a cluster with {@code roles}, when the site does not check tokens. */
    private static void routesToRoles(GatehouseConfig config, SiteSpec site, List<Problem> out) {
        GatewaySpec g = site.gateway();
        boolean any = false;
        for (VirtualHostSpec vhost : site.vhosts()) {
            for (RouteSpec route : vhost.routes()) {
                for (Target target : route.targets()) {
                    if (!(target instanceof ClusterTarget ct)) {
                        continue;
                    }
                    ClusterSpec cluster = config.clusters().get(ct.cluster());
                    if (cluster == null || cluster.roles().isEmpty()) {
                        continue;
                    }
                    any = true;
                    if (!g.authenticates()) {
                        out.add(error(ct.pos(), "route " + route.path() + " = @" + cluster.name() + ": @"
                                + cluster.name() + " lets in only tokens with roles " + String.join(", ", cluster.roles())
                                + " (" + cluster.keys().of("roles") + "), but this site's [api-gateway] does not"
                                + " check tokens; set enable_gateway = yes and authenticate = yes with a key, or"
                                + " remove roles (a cluster with roles is never served without a token check)"));
                    }
                }
            }
        }
        if (g.authenticates() && !any) {
            out.add(warning(g.keys().of("authenticate"), "[api-gateway] authenticate = yes has no effect: no route"
                    + " of this site leads to a cluster with roles, and only those ask for a token"));
        }
    }

    private static Problem error(SourcePos pos, String message) {
        return new Problem(pos, Problem.Severity.ERROR, message);
    }

    private static Problem warning(SourcePos pos, String message) {
        return new Problem(pos, Problem.Severity.WARNING, message);
    }
}
