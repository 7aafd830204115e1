package io.gatehouse.auth.chain;

import io.gatehouse.auth.token.JwtSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.GatewaySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a site's {@code [api-gateway]} reads as token settings: the accepted algorithms (written, or the
 * default for the key sources given), the {@link JwtSpec}, and where the JWKS and the token file are.
 * Relative paths are read from the directory that holds {@code conf.d}, as for static directories and
 * {@code ca} files. Used alike by the configuration check and the stages, so both read a site the same way.
 */
public final class TokenSettings {
    /** The algorithms accepted with {@code jwks} when {@code algorithms} is not written. */
    public static final List<String> DEFAULT_PUBLIC_KEY_ALGORITHMS = List.of("RS256", "PS256", "ES256");
    /** How often a JWKS file is looked at for a change (a stat; re-read only when it changed). */
    static final Duration JWKS_FILE_CHECK = Duration.ofSeconds(5);
    /** How often the token file is looked at for a change. */
    static final Duration TOKEN_FILE_CHECK = Duration.ofSeconds(5);

    private TokenSettings() {
    }

    /** The directory relative {@code jwks} and {@code token_file} paths are read from. */
    public static Path base(GatehouseConfig config) {
        Path conf = config.confDir().toAbsolutePath();
        return conf.getParent() == null ? conf : conf.getParent();
    }

    /** The accepted algorithms: as written, else HS256 with {@code secret_key} and RS256, PS256, ES256 with {@code jwks}. */
    public static Set<String> algorithms(GatewaySpec gateway) {
        if (!gateway.algorithms().isEmpty()) {
            return new LinkedHashSet<>(gateway.algorithms());
        }
        Set<String> out = new LinkedHashSet<>();
        if (!gateway.secretKey().isEmpty()) {
            out.add("HS256");
        }
        if (!gateway.jwks().isEmpty()) {
            out.addAll(DEFAULT_PUBLIC_KEY_ALGORITHMS);
        }
        return out;
    }

    /** The JWT settings, or empty when the site accepts no JWT (only opaque tokens from {@code token_file}). */
    public static Optional<JwtSpec> jwt(GatewaySpec gateway, Path base) {
        Set<String> algorithms = algorithms(gateway);
        if (algorithms.isEmpty()) {
            return Optional.empty();
        }
        URI jwks = gateway.jwks().isEmpty() ? null : jwks(gateway, base).orElse(null);
        return Optional.of(new JwtSpec(algorithms,
                gateway.secretKey().isEmpty() ? null : gateway.secretKey().getBytes(StandardCharsets.UTF_8), jwks,
                jwksCheckEvery(jwks, gateway.jwksRefresh()), gateway.userClaim(), gateway.rolesClaim(),
                gateway.leeway(), emptyToNull(gateway.issuer()), emptyToNull(gateway.audience()), false));
    }

    /** Where the JWKS is: an http(s) URL as written, or a file path made absolute; empty when unset or not a path. */
    public static Optional<URI> jwks(GatewaySpec gateway, Path base) {
        String written = gateway.jwks();
        if (written.isEmpty()) {
            return Optional.empty();
        }
        if (written.startsWith("https://") || written.startsWith("http://")) {
            try {
                return Optional.of(URI.create(written));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(base.resolve(written).normalize().toUri());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The token file made absolute; empty when unset or not a path. */
    public static Optional<Path> tokenFile(GatewaySpec gateway, Path base) {
        if (gateway.tokenFile().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(base.resolve(gateway.tokenFile()).normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** A JWKS file is looked at every few seconds (a stat), a URL fetched every {@code jwks_refresh}. */
    static Duration jwksCheckEvery(URI jwks, Duration refresh) {
        if (jwks != null && "file".equals(jwks.getScheme()) && refresh.compareTo(JWKS_FILE_CHECK) > 0) {
            return JWKS_FILE_CHECK;
        }
        return refresh;
    }

    /** The problems of the algorithms and key sources that the check reports, each with the key it is about. */
    public static List<KeyProblem> problems(GatewaySpec gateway, Path base) {
        List<KeyProblem> out = new ArrayList<>();
        if (!gateway.jwks().isEmpty() && jwks(gateway, base).isEmpty()) {
            out.add(new KeyProblem("jwks", "jwks must be a file path or an http(s) URL, got " + gateway.jwks()));
        }
        Optional<JwtSpec> spec = jwt(gateway, base);
        if (spec.isEmpty()) {
            return out;
        }
        for (String problem : spec.get().problems()) {
            String key = problem.startsWith("secret_key") ? "secret_key"
                    : problem.startsWith("jwks must") ? "jwks"
                    : problem.startsWith("leeway") ? "leeway"
                    : problem.startsWith("user claim") ? "user_claim"
                    : problem.startsWith("roles claim") ? "roles_claim"
                    : "algorithms";
            if (!(key.equals("jwks") && !out.isEmpty())) {
                out.add(new KeyProblem(key, problem));
            }
        }
        return out;
    }

    /** A problem of one {@code [api-gateway]} key. */
    public record KeyProblem(String key, String message) {
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
