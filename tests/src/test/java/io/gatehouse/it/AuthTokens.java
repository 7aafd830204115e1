package io.gatehouse.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keys and tokens for the auth tests, made the way an identity provider would (Nimbus signers), and a
 * small HTTP client that sends them.
 */
final class AuthTokens {
    /** 32 bytes: the shortest secret_key Gatehouse accepts. */
    static final String SECRET = "gatehouse-test-secret-0123456789";
    static final RSAKey RSA = rsa("rsa-1");
    static final ECKey EC = ec("ec-1");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AuthTokens() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public halves of {@code keys} as a JWKS file. */
    static Path writeJwks(Path file, JWK... keys) {
        try {
            List<JWK> publics = java.util.Arrays.stream(keys).map(JWK::toPublicJWK).toList();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, new JWKSet(publics).toString(), StandardCharsets.UTF_8);
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Claims of a good token for {@code user} with {@code roles}, valid for an hour. */
    static JWTClaimsSet.Builder claims(String user, String... roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().claim("user", user).claim("roles", List.of(roles))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    static String hs256(JWTClaimsSet claims) {
        return hs256(SECRET.getBytes(StandardCharsets.UTF_8), claims);
    }

    static String hs256(byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret), new JWSHeader(JWSAlgorithm.HS256), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(key), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String es256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new ECDSASigner(key), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}) with an empty signature. */
    static String unsigned(JWTClaimsSet claims) {
        return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64URL.encode(claims.toString()) + ".";
    }

    /** {@code token} with its payload replaced by {@code claims}, the signature kept. */
    static String tampered(String token, JWTClaimsSet claims) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + Base64URL.encode(claims.toString()) + "." + parts[2];
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** GET {@code uri} with the header fields {@code fields} adds. */
    static HttpResponse<String> get(URI uri, Consumer<HttpRequest.Builder> fields) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        fields.accept(request);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The request log record of the request {@code gtid}, once {@code gatehouse} logged it (at most 5 s). */
    static io.gatehouse.log.RequestLogRecord awaitLogged(GatehouseHarness gatehouse, String gtid) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (io.gatehouse.log.RequestLogRecord r : gatehouse.assembly().requestLog().latest(200)) {
                if (gtid.equals(r.gtid())) {
                    return r;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no request log record for " + gtid);
    }

    /** GET {@code uri} with {@code Authorization: Bearer token}. */
    static HttpResponse<String> getWith(URI uri, String token) {
        return get(uri, r -> r.header("Authorization", "Bearer " + token));
    }
}
