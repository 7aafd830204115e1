package io.gatehouse.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a JWT the way the site's {@code [api-gateway]} says: the signature with a key of an accepted
 * algorithm, then {@code exp}, {@code nbf} and the seed's {@code expires} with the leeway, then the
 * optional issuer and audience, and reads the user and roles claims.
 *
 * <p>The algorithm is pinned by the {@link JwtSpec}: a token whose header names another one is
 * refused before any key is touched, so {@code alg: none} and an HMAC token made with a public key
 * never get through. HMAC algorithms use {@code secret_key} only and public-key algorithms use JWKS
 * keys only; a JWKS key is picked by the token's {@code kid} (a token without {@code kid} is tried
 * against the set's keys of the right type), and a {@code kid} the set does not hold is refused.
 * Every refusal is a {@link TokenVerdict.Refused} with the reason in words; nothing throws.
 */
public final class JwtVerifier implements TokenVerifier {
    private final JwtSpec spec;
    private final Set<JWSAlgorithm> accepted;
    private final JWSVerifier hmac;
    private final JwksKeySet keys;
    private final Clock clock;
    private final long leewaySeconds;

    /**
     * A verifier for {@code spec}, whose {@link JwtSpec#problems()} must be empty; {@code keys} is the
     * JWKS (null when no public-key algorithm is accepted).
     */
    public JwtVerifier(JwtSpec spec, JwksKeySet keys, Clock clock) {
        this.spec = Objects.requireNonNull(spec, "spec");
        List<String> problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (spec.needsJwks() && keys == null) {
            throw new IllegalArgumentException("a JWKS is needed for " + spec.algorithms());
        }
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        for (String name : spec.algorithms()) {
            algs.add(JWSAlgorithm.parse(name));
        }
        this.accepted = Set.copyOf(algs);
        try {
            this.hmac = spec.needsSecret() ? new MACVerifier(spec.secretKey()) : null;
        } catch (JOSEException e) {
            throw new IllegalArgumentException("secret_key: " + e.getMessage(), e);
        }
        this.keys = keys;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.leewaySeconds = spec.leeway().toSeconds();
    }

    /** The settings this verifier was built with. */
    public JwtSpec spec() {
        return spec;
    }

    @Override
    public TokenVerdict verify(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            return refused("malformed token");
        }
        if (jwt instanceof PlainJWT) {
            return refused("algorithm none not accepted");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT)) {
            return refused("encrypted tokens not accepted");
        }
        SignedJWT signed = (SignedJWT) jwt;
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!accepted.contains(alg)) {
            return refused("algorithm " + alg.getName() + " not accepted");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return refused("critical header " + header.getCriticalParams() + " not understood");
        }
        TokenVerdict signature = JWSAlgorithm.Family.HMAC_SHA.contains(alg)
                ? check(signed, hmac)
                : checkWithJwks(signed, header);
        if (signature != null) {
            return signature;
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return refused("malformed token");
        }
        return checkClaims(claims);
    }

    /** Null when {@code verifier} accepts the signature, else the refusal. */
    private static TokenVerdict check(SignedJWT jwt, JWSVerifier verifier) {
        try {
            return jwt.verify(verifier) ? null : refused("bad signature");
        } catch (JOSEException | RuntimeException e) {
            return refused("bad signature");
        }
    }

    private TokenVerdict checkWithJwks(SignedJWT jwt, JWSHeader header) {
        JWKSet set = keys.current();
        if (set == null) {
            return refused("no signing keys loaded");
        }
        String kid = header.getKeyID();
        List<JWK> candidates = new ArrayList<>();
        if (kid != null) {
            JWK key = set.getKeyByKeyId(kid);
            if (key == null) {
                keys.unknownKeyId();
                return refused("unknown key id");
            }
            candidates.add(key);
        } else {
            candidates.addAll(set.getKeys());
        }
        JWSAlgorithm alg = header.getAlgorithm();
        boolean anyUsable = false;
        for (JWK key : candidates) {
            JWSVerifier verifier = verifierFor(key, alg);
            if (verifier == null) {
                continue;
            }
            anyUsable = true;
            if (check(jwt, verifier) == null) {
                return null;
            }
        }
        if (!anyUsable) {
            return refused(kid != null ? "key " + kid + " does not fit algorithm " + alg.getName()
                    : "no key for algorithm " + alg.getName());
        }
        return refused("bad signature");
    }

    /** A verifier for {@code key} if it may verify {@code alg} signatures, else null. */
    private static JWSVerifier verifierFor(JWK key, JWSAlgorithm alg) {
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return null;
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return null;
        }
        try {
            if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
                return new RSASSAVerifier(rsa.toRSAPublicKey());
            }
            if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec
                    && Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
                return new ECDSAVerifier(ec.toECPublicKey());
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    private TokenVerdict checkClaims(JWTClaimsSet claims) {
        long now = clock.instant().getEpochSecond();
        Instant expiresAt;
        try {
            expiresAt = earliest(toInstant(claims.getExpirationTime()), seedExpires(claims));
        } catch (ParseException e) {
            return refused("malformed token");
        }
        if (expiresAt == null && spec.requireExpiry()) {
            return refused("no expiry");
        }
        if (expiresAt != null && now >= expiresAt.getEpochSecond() + leewaySeconds) {
            return refused("expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now < nbf.toInstant().getEpochSecond() - leewaySeconds) {
            return refused("not yet valid");
        }
        if (spec.issuer() != null && !spec.issuer().equals(claims.getIssuer())) {
            return refused("wrong issuer");
        }
        if (spec.audience() != null
                && (claims.getAudience() == null || !claims.getAudience().contains(spec.audience()))) {
            return refused("wrong audience");
        }
        Object user = claims.getClaim(spec.userClaim());
        if (!(user instanceof String name) || name.isEmpty()) {
            return refused("no " + spec.userClaim() + " claim");
        }
        List<String> roles = roles(claims.getClaim(spec.rolesClaim()));
        if (roles == null) {
            return refused(spec.rolesClaim() + " claim is neither a list nor a string");
        }
        return new TokenVerdict.Verified(name, roles, expiresAt);
    }

    /** The seed's {@code expires}: seconds since the epoch, 0 or absent for never. */
    private static Instant seedExpires(JWTClaimsSet claims) throws ParseException {
        Object value = claims.getClaim("expires");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number)) {
            throw new ParseException("expires is not a number", 0);
        }
        long seconds = number.longValue();
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    /** Roles from a JSON array of strings or a space-separated string; null when neither. */
    static List<String> roles(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim == null) {
            return List.of();
        }
        if (claim instanceof String text) {
            for (String role : text.trim().split("\\s+")) {
                if (!role.isEmpty()) {
                    out.add(role);
                }
            }
        } else if (claim instanceof List<?> list) {
            for (Object role : list) {
                if (!(role instanceof String name)) {
                    return null;
                }
                if (!name.isEmpty()) {
                    out.add(name);
                }
            }
        } else {
            return null;
        }
        return List.copyOf(out);
    }

    private static Instant toInstant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    private static TokenVerdict refused(String reason) {
        return new TokenVerdict.Refused(reason);
    }
}
