package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A site's {@code [api-gateway]} section: whether requests to clusters with {@code roles} must carry a
 * bearer token, and how a token is checked. The values are kept as written (paths unresolved, algorithm
 * names unchecked): the auth module reads them, and its configuration check reports what is wrong at
 * the key's line ({@link #keys()}).
 *
 * @param pos          the section header (or the file, when the section is absent)
 * @param enabled      {@code enable_gateway}
 * @param authenticate {@code authenticate}: tokens are checked (with {@code enable_gateway})
 * @param realm        {@code realm}, for {@code WWW-Authenticate: Bearer realm="..."}
 * @param secretKey    {@code secret_key}, the HMAC key for HS256/384/512 ("" when unset)
 * @param jwks         {@code jwks}: a JWKS file path or an http(s) URL ("" when unset)
 * @param jwksRefresh  {@code jwks_refresh}: how often a JWKS URL is fetched again
 * @param algorithms   {@code algorithms}: the accepted JWT algorithms; empty means the default for the
 *                     key sources given (HS256 with {@code secret_key}; RS256, PS256, ES256 with {@code jwks})
 * @param userClaim    {@code user_claim}: the claim naming the user (default {@code user})
 * @param rolesClaim   {@code roles_claim}: the claim carrying the roles (default {@code roles})
 * @param leeway       {@code leeway}: clock skew allowed on {@code exp}/{@code nbf}/{@code expires}
 * @param issuer       {@code issuer}: the required {@code iss} ("" for any)
 * @param audience     {@code audience}: a value {@code aud} must hold ("" for any)
 * @param tokenFile    {@code token_file}: opaque tokens, {@code TOKEN USER ROLES EXPIRES} lines ("" when unset)
 * @param userHeader   {@code user_header}: the field that tells members the user (default {@code X-Auth-User})
 * @param rolesHeader  {@code roles_header}: the field that tells members the roles (default {@code X-Auth-Roles})
 * @param tokenCache   {@code token_cache}: how long a verified token is remembered (0: not at all)
 * @param keys         where each key was written, for checks made after binding
 */
public record GatewaySpec(SourcePos pos, boolean enabled, boolean authenticate, String realm, String secretKey,
                          String jwks, Duration jwksRefresh, List<String> algorithms, String userClaim,
                          String rolesClaim, Duration leeway, String issuer, String audience, String tokenFile,
                          String userHeader, String rolesHeader, Duration tokenCache, KeyPositions keys) {
    public static final String DEFAULT_REALM = "API Gateway";
    public static final String DEFAULT_USER_HEADER = "X-Auth-User";
    public static final String DEFAULT_ROLES_HEADER = "X-Auth-Roles";
    public static final String DEFAULT_USER_CLAIM = "user";
    public static final String DEFAULT_ROLES_CLAIM = "roles";
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofMinutes(5);
    public static final Duration DEFAULT_TOKEN_CACHE = Duration.ofSeconds(60);

    public GatewaySpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(jwksRefresh, "jwksRefresh");
        algorithms = List.copyOf(algorithms);
        Objects.requireNonNull(userClaim, "userClaim");
        Objects.requireNonNull(rolesClaim, "rolesClaim");
        Objects.requireNonNull(leeway, "leeway");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(userHeader, "userHeader");
        Objects.requireNonNull(rolesHeader, "rolesHeader");
        Objects.requireNonNull(tokenCache, "tokenCache");
        Objects.requireNonNull(keys, "keys");
    }

    /** The seed's four keys; every extension at its default. */
    public GatewaySpec(SourcePos pos, boolean enabled, boolean authenticate, String realm, String secretKey) {
        this(pos, enabled, authenticate, realm, secretKey, "", DEFAULT_JWKS_REFRESH, List.of(), DEFAULT_USER_CLAIM,
                DEFAULT_ROLES_CLAIM, DEFAULT_LEEWAY, "", "", "", DEFAULT_USER_HEADER, DEFAULT_ROLES_HEADER,
                DEFAULT_TOKEN_CACHE, KeyPositions.none(pos));
    }

    public static GatewaySpec disabled(SourcePos pos) {
        return new GatewaySpec(pos, false, false, DEFAULT_REALM, "");
    }

    /** True when requests to clusters with {@code roles} are checked: {@code enable_gateway} and {@code authenticate}. */
    public boolean authenticates() {
        return enabled && authenticate;
    }

    /** True when a token can be checked at all: {@code secret_key}, {@code jwks} or {@code token_file} is set. */
    public boolean hasKeySource() {
        return !secretKey.isEmpty() || !jwks.isEmpty() || !tokenFile.isEmpty();
    }

    @Override
    public String toString() {
        return "GatewaySpec[pos=" + pos + ", enabled=" + enabled + ", authenticate=" + authenticate + ", realm="
                + realm + ", secretKey=" + (secretKey.isEmpty() ? "none" : "(set)") + ", jwks=" + jwks
                + ", algorithms=" + algorithms + ", tokenFile=" + tokenFile + ", userHeader=" + userHeader
                + ", rolesHeader=" + rolesHeader + "]";
    }
}
