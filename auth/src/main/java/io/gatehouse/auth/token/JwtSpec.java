package io.gatehouse.auth.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a site checks JWTs: which signature algorithms it accepts (pinned here, never taken from a
 * token), the HMAC {@code secret_key} and/or the JWKS location for public keys, the claim names that
 * carry the user and the roles, the clock leeway, and the optional issuer and audience.
 *
 * <p>Building one never throws on a bad value: {@link #problems()} lists what is wrong, in words an
 * operator can act on, for {@code check} to report with the file and line of the section.
 *
 * @param algorithms   accepted {@code alg} names, e.g. {@code HS256}, {@code RS256}, {@code ES256}
 * @param secretKey    the HMAC secret (UTF-8 bytes of {@code secret_key}), or null
 * @param jwks         a {@code file:}, {@code http:} or {@code https:} JWKS location, or null
 * @param jwksCacheTime how often a JWKS file is checked for changes / a JWKS URL is fetched again
 * @param userClaim    claim naming the user ({@code user} in the seed, {@code sub} in OpenID)
 * @param rolesClaim   claim carrying the roles, a JSON array or a space-separated string
 * @param leeway       clock skew allowed on {@code exp}, {@code nbf} and the seed's {@code expires}
 * @param issuer       required {@code iss}, or null to accept any
 * @param audience     a value {@code aud} must contain, or null to accept any
 * @param requireExpiry whether a token without {@code exp} or {@code expires} is refused (the seed's
 *                     tokens may carry {@code expires = 0}, "never", so the default is false)
 */
public record JwtSpec(Set<String> algorithms, byte[] secretKey, URI jwks, Duration jwksCacheTime,
                      String userClaim, String rolesClaim, Duration leeway, String issuer, String audience,
                      boolean requireExpiry) {

    /** HMAC algorithms, verified with {@code secret_key} only. */
    public static final Set<String> HMAC = Set.of("HS256", "HS384", "HS512");
    /** Public-key algorithms, verified with keys from the JWKS. */
    public static final Set<String> PUBLIC_KEY =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
    /** Shortest {@code secret_key} accepted: HS256 needs 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    public static final String DEFAULT_USER_CLAIM = "user";
    public static final String DEFAULT_ROLES_CLAIM = "roles";
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_CACHE_TIME = Duration.ofMinutes(5);

    public JwtSpec {
        algorithms = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(algorithms, "algorithms")));
        secretKey = secretKey == null ? null : secretKey.clone();
        jwksCacheTime = jwksCacheTime == null ? DEFAULT_JWKS_CACHE_TIME : jwksCacheTime;
        userClaim = userClaim == null ? DEFAULT_USER_CLAIM : userClaim;
        rolesClaim = rolesClaim == null ? DEFAULT_ROLES_CLAIM : rolesClaim;
        leeway = leeway == null ? DEFAULT_LEEWAY : leeway;
    }

    /** The seed's setup: HS256 with {@code secret_key}, claims {@code user} and {@code roles}. */
    public static JwtSpec hmac(String secretKey) {
        return new JwtSpec(Set.of("HS256"), secretKey.getBytes(StandardCharsets.UTF_8), null, null,
                null, null, null, null, null, false);
    }

    @Override
    public byte[] secretKey() {
        return secretKey == null ? null : secretKey.clone();
    }

    /** Whether any accepted algorithm needs the JWKS. */
    public boolean needsJwks() {
        return algorithms.stream().anyMatch(PUBLIC_KEY::contains);
    }

    /** Whether any accepted algorithm needs {@code secret_key}. */
    public boolean needsSecret() {
        return algorithms.stream().anyMatch(HMAC::contains);
    }

    /** What is wrong with these settings, one sentence each; empty when they can be used. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (algorithms.isEmpty()) {
            out.add("no token algorithms accepted");
        }
        for (String alg : algorithms) {
            if (alg.equalsIgnoreCase("none")) {
                out.add("algorithm none can never be accepted: unsigned tokens prove nothing");
            } else if (alg.equals("EdDSA") || alg.equals("Ed25519")) {
                out.add("algorithm " + alg + " is not supported: its verifier needs the Tink library, "
                        + "which Gatehouse does not ship");
            } else if (!HMAC.contains(alg) && !PUBLIC_KEY.contains(alg)) {
                out.add("algorithm " + alg + " is not supported; use one of " + supported());
            }
        }
        if (needsSecret()) {
            if (secretKey == null || secretKey.length == 0) {
                out.add("secret_key is required for " + only(HMAC));
            } else if (secretKey.length < MIN_SECRET_BYTES) {
                out.add("secret_key must be at least " + MIN_SECRET_BYTES + " bytes (HS256 needs 256 bits), got "
                        + secretKey.length);
            }
        }
        if (needsJwks()) {
            if (jwks == null) {
                out.add("jwks is required for " + only(PUBLIC_KEY));
            } else if (!isSupportedLocation(jwks)) {
                out.add("jwks must be a file path or an http(s) URL, got " + jwks);
            }
        }
        if (jwksCacheTime.isNegative() || jwksCacheTime.isZero()) {
            out.add("jwks cache time must be positive, got " + jwksCacheTime);
        }
        if (leeway.isNegative()) {
            out.add("leeway must not be negative, got " + leeway);
        }
        if (userClaim.isBlank()) {
            out.add("user claim name must not be empty");
        }
        if (rolesClaim.isBlank()) {
            out.add("roles claim name must not be empty");
        }
        return out;
    }

    static boolean isSupportedLocation(URI uri) {
        String scheme = uri.getScheme();
        return scheme != null && (scheme.equals("file") || scheme.equals("http") || scheme.equals("https"));
    }

    private String only(Set<String> family) {
        List<String> named = new ArrayList<>();
        for (String alg : algorithms) {
            if (family.contains(alg)) {
                named.add(alg);
            }
        }
        return String.join(", ", named);
    }

    private static String supported() {
        List<String> all = new ArrayList<>(HMAC);
        all.addAll(PUBLIC_KEY);
        Collections.sort(all);
        return String.join(", ", all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JwtSpec other
                && algorithms.equals(other.algorithms) && Arrays.equals(secretKey, other.secretKey)
                && Objects.equals(jwks, other.jwks) && jwksCacheTime.equals(other.jwksCacheTime)
                && userClaim.equals(other.userClaim) && rolesClaim.equals(other.rolesClaim)
                && leeway.equals(other.leeway) && Objects.equals(issuer, other.issuer)
                && Objects.equals(audience, other.audience) && requireExpiry == other.requireExpiry;
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithms, Arrays.hashCode(secretKey), jwks, jwksCacheTime, userClaim, rolesClaim,
                leeway, issuer, audience, requireExpiry);
    }

    @Override
    public String toString() {
        return "JwtSpec[algorithms=" + algorithms + ", secretKey=" + (secretKey == null ? "none" : "(set)")
                + ", jwks=" + jwks + ", jwksCacheTime=" + jwksCacheTime + ", userClaim=" + userClaim
                + ", rolesClaim=" + rolesClaim + ", leeway=" + leeway + ", issuer=" + issuer
                + ", audience=" + audience + ", requireExpiry=" + requireExpiry + "]";
    }
}
