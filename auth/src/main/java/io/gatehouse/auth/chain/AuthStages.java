package io.gatehouse.auth.chain;

import io.gatehouse.auth.access.ClientAddressResolver;
import io.gatehouse.auth.access.IpAllowList;
import io.gatehouse.auth.access.TrustedProxies;
import io.gatehouse.auth.token.JwksKeySet;
import io.gatehouse.auth.token.JwtSpec;
import io.gatehouse.auth.token.JwtVerifier;
import io.gatehouse.auth.token.OpaqueTokenFile;
import io.gatehouse.auth.token.TokenVerdict;
import io.gatehouse.auth.token.TokenVerifier;
import io.gatehouse.auth.token.VerifiedTokenCache;
import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.spi.RouteContext;
import io.gatehouse.spi.StageFactory;
import io.undertow.server.HttpHandler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth chain: the per-route stages that decide who may reach a cluster, in the order they run,
 * outermost first ({@link #factories()}, which {@code Assembly} puts before the response cache):
 * <ol>
 *   <li>the client address, on every route of a site with {@code [server] trusted_proxies};</li>
 *   <li>{@code ips}, on routes to a cluster that names it (403);</li>
 *   <li>the bearer token, on routes to a cluster with {@code roles}, checked with the site's
 *       {@code [api-gateway]} (401);</li>
 *   <li>the roles, on the same routes (403).</li>
 * </ol>
 * A route to a cluster with neither {@code roles} nor {@code ips}, on a site without trusted proxies,
 * gets no stage and pays nothing.
 *
 * <p>JWKS sets and token files are kept by location for the life of the process, across configuration
 * generations, and loaded on the executor given here, never on an IO thread. A build waits (up to
 * {@link #FIRST_LOAD_WAIT}) for each set and file it uses to be looked at, so a new configuration does
 * not start by refusing good tokens; one that is still not loaded then refuses tokens (401) until it is.
 * {@link #close()} stops the executor.
 */
public final class AuthStages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuthStages.class);
    /** Longest a configuration build waits for a JWKS or token file to be read. */
    public static final Duration FIRST_LOAD_WAIT = Duration.ofSeconds(10);
    /** Most tokens each site remembers. */
    static final int TOKEN_CACHE_ENTRIES = 10_000;
    /** How long a refused token is remembered (at most): a client repeating it costs one check per this. */
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);

    private record KeySetKey(URI location, Duration checkEvery) {
    }

    private final Clock clock;
    private final ExecutorService loader;
    private final Map<KeySetKey, JwksKeySet> keySets = new HashMap<>();
    private final Map<Path, OpaqueTokenFile> tokenFiles = new HashMap<>();
    /** The generation whose sites {@link #sites} holds. */
    private GatehouseConfig generation;
    private final Map<GatewaySpec, SiteTokens> sites = new IdentityHashMap<>();

    /**
     * @param clock  token times and cache times are read from it
     * @param loader runs JWKS fetches and file reads; closed by {@link #close()}
     */
    public AuthStages(Clock clock, ExecutorService loader) {
        this.clock = clock;
        this.loader = loader;
    }

    /** The four stage factories, outermost first. */
    public List<StageFactory> factories() {
        return List.of(this::clientAddress, guarding(this::ipAllowList), guarding(this::bearerToken), guarding(this::roles));
    }

    /** A stage that enforces access rules, so the build knows a protected route is guarded. */
    private static StageFactory guarding(StageFactory stage) {
        return new StageFactory() {
            @Override
            public HttpHandler wrap(RouteContext route, HttpHandler next) {
                return stage.wrap(route, next);
            }

            @Override
            public boolean enforcesAccess() {
                return true;
            }
        };
    }

    private HttpHandler clientAddress(RouteContext route, HttpHandler next) {
        List<String> trusted = route.site().server().trustedProxies();
        if (trusted.isEmpty()) {
            return next;
        }
        return new ClientAddressHandler(next, new ClientAddressResolver(TrustedProxies.parse(trusted).proxies()));
    }

    private HttpHandler ipAllowList(RouteContext route, HttpHandler next) {
        Optional<ClusterSpec> cluster = route.cluster();
        if (cluster.isEmpty() || cluster.get().ips().isEmpty()) {
            return next;
        }
        return new IpAllowHandler(next, IpAllowList.parse("ips", cluster.get().ips()).list());
    }

    private HttpHandler bearerToken(RouteContext route, HttpHandler next) {
        Optional<ClusterSpec> cluster = route.cluster();
        if (cluster.isEmpty() || cluster.get().roles().isEmpty()) {
            return next;
        }
        return new BearerTokenHandler(next, tokensFor(route.config(), route.site().gateway()));
    }

    private HttpHandler roles(RouteContext route, HttpHandler next) {
        Optional<ClusterSpec> cluster = route.cluster();
        if (cluster.isEmpty() || cluster.get().roles().isEmpty()) {
            return next;
        }
        return new RoleHandler(next, cluster.get().roles(), tokensFor(route.config(), route.site().gateway()).insufficientScope);
    }

    /** The site's token checking, made once per generation and site. */
    private synchronized SiteTokens tokensFor(GatehouseConfig config, GatewaySpec gateway) {
        if (generation != config) {
            generation = config;
            sites.clear();
        }
        SiteTokens known = sites.get(gateway);
        if (known == null) {
            known = new SiteTokens(verifier(gateway, TokenSettings.base(config)), gateway.realm());
            sites.put(gateway, known);
        }
        return known;
    }

    private TokenVerifier verifier(GatewaySpec gateway, Path base) {
        if (!gateway.authenticates()) {
            // The configuration check refuses this; should a caller skip the check, fail closed.
            return token -> new TokenVerdict.Refused("this site's [api-gateway] does not check tokens");
        }
        TokenVerifier jwt = null;
        Optional<JwtSpec> spec = TokenSettings.jwt(gateway, base);
        if (spec.isPresent() && spec.get().problems().isEmpty()) {
            JwksKeySet keys = spec.get().needsJwks() ? keySet(spec.get().jwks(), spec.get().jwksCacheTime()) : null;
            jwt = new JwtVerifier(spec.get(), keys, clock);
        }
        TokenVerifier opaque = TokenSettings.tokenFile(gateway, base).map(this::tokenFile).orElse(null);
        if (jwt == null && opaque == null) {
            return token -> new TokenVerdict.Refused("no key to check tokens with");
        }
        TokenVerifier both = SiteTokens.either(opaque, jwt);
        Duration ttl = gateway.tokenCache();
        if (ttl.isZero()) {
            return both;
        }
        Duration negative = ttl.compareTo(NEGATIVE_TTL) < 0 ? ttl : NEGATIVE_TTL;
        return new VerifiedTokenCache(both, new VerifiedTokenCache.CacheSpec(TOKEN_CACHE_ENTRIES, ttl, negative), clock);
    }

    private JwksKeySet keySet(URI location, Duration checkEvery) {
        JwksKeySet set;
        synchronized (keySets) {
            set = keySets.computeIfAbsent(new KeySetKey(location, checkEvery),
                    k -> new JwksKeySet(location, checkEvery, clock, loader));
        }
        awaitLoad(set.refresh(), "jwks " + location);
        return set;
    }

    private OpaqueTokenFile tokenFile(Path path) {
        OpaqueTokenFile file;
        synchronized (tokenFiles) {
            file = tokenFiles.computeIfAbsent(path,
                    p -> new OpaqueTokenFile(p, TokenSettings.TOKEN_FILE_CHECK, clock, loader));
        }
        awaitLoad(file.reload(), "token file " + path);
        return file;
    }

    private static void awaitLoad(CompletableFuture<Void> load, String what) {
        try {
            load.get(FIRST_LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} not loaded after {} s; tokens it would verify are refused until it is", what,
                    FIRST_LOAD_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("{}: {}", what, e.getCause().toString());
        }
    }

    /** Stops the loads: the executor is shut down. */
    @Override
    public void close() {
        loader.shutdownNow();
    }
}
