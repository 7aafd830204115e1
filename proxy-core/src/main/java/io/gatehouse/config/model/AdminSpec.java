package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code [admin]} section: where the admin console and its API listen, who may use them (a user
 * with a password hash, a bearer token for scripts, or both), how long a console session lives, TLS for
 * the admin listener, and the remote JMX port. Absent section: no admin listener at all.
 *
 * <p>The password hash is kept as written ({@code $2b$12$...} bcrypt, or
 * {@code pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64}); its form was checked when the section was bound,
 * and the admin module verifies passwords against it. Certificate files are resolved like {@code [ssl]}'s
 * (relative to the parent of the conf directory) but not read here.
 *
 * @param pos            the section header
 * @param bind           {@code ip} (default {@code 127.0.0.1}) and {@code port}
 * @param user           {@code user}; empty when only the token gives access
 * @param passwordHash   {@code password_hash}; empty exactly when {@code user} is
 * @param token          {@code token}: the bearer token for scripts; empty for none
 * @param sessionTimeout {@code session_timeout}: a console session ends after this long without use (default 30m)
 * @param certfile       {@code certfile}: TLS for the admin listener when present
 * @param keyfile        {@code keyfile}: the private key; empty when the certificate file holds it
 * @param passphrase     {@code passphrase} of an encrypted key ("" for none)
 * @param jmxPort        {@code jmx_port}: remote JMX on {@code ip}; 0 for none
 * @param keys           where each key was written
 */
public record AdminSpec(SourcePos pos, HostPort bind, Optional<String> user, Optional<String> passwordHash,
                        Optional<String> token, Duration sessionTimeout, Optional<Path> certfile,
                        Optional<Path> keyfile, String passphrase, int jmxPort, KeyPositions keys) {
    /** The default {@code ip}: loopback, so that the console is not reachable from elsewhere unless asked. */
    public static final String DEFAULT_IP = "127.0.0.1";
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(30);

    public AdminSpec {
        Objects.requireNonNull(pos, "pos");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(keys, "keys");
        if (user.isPresent() != passwordHash.isPresent()) {
            throw new IllegalArgumentException("user and password_hash go together");
        }
        if (user.isEmpty() && token.isEmpty()) {
            throw new IllegalArgumentException("no access without credentials");
        }
        if (jmxPort < 0 || jmxPort > 65535) {
            throw new IllegalArgumentException("jmx_port: " + jmxPort);
        }
    }

    /** True when the admin listener speaks TLS ({@code certfile} is set). */
    public boolean tls() {
        return certfile.isPresent();
    }

    /** The file the private key is read from: {@code keyfile}, else the combined {@code certfile}. */
    public Optional<Path> keySource() {
        return keyfile.or(() -> certfile);
    }

    /** True when remote JMX is asked for. */
    public boolean jmx() {
        return jmxPort != 0;
    }

    /** The bcrypt forms {@code password_hash} takes: {@code $2a$}, {@code $2b$} or {@code $2y$}, a cost, 53 characters. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final Pattern PBKDF2 = Pattern.compile(
            "pbkdf2-sha256\\$(\\d{1,9})\\$([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+)");

    /**
     * True when {@code hash} is of a form the admin console verifies: bcrypt with a cost of 4..31, or
     * {@link Pbkdf2Hash} with at least 1000 iterations, 8 bytes of salt and 16 of hash.
     */
    public static boolean isReadableHash(String hash) {
        Matcher b = BCRYPT.matcher(hash);
        if (b.matches()) {
            int cost = Integer.parseInt(b.group(1));
            return cost >= 4 && cost <= 31;
        }
        return Pbkdf2Hash.parse(hash).filter(p -> p.iterations() >= 1000 && p.salt().length >= 8
                && p.derived().length >= 16).isPresent();
    }

    /**
     * A PBKDF2-HMAC-SHA256 password hash as {@code password_hash} writes it:
     * {@code pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64}.
     *
     * @param iterations the iteration count
     * @param salt       the salt
     * @param derived    the derived key (the hash), as long as the check computes
     */
    public record Pbkdf2Hash(int iterations, byte[] salt, byte[] derived) {
        /** The parts of {@code hash}; empty when it is not of this form. */
        public static Optional<Pbkdf2Hash> parse(String hash) {
            Matcher m = PBKDF2.matcher(hash);
            if (!m.matches()) {
                return Optional.empty();
            }
            try {
                Base64.Decoder b64 = Base64.getDecoder();
                return Optional.of(new Pbkdf2Hash(Integer.parseInt(m.group(1)), b64.decode(m.group(2)),
                        b64.decode(m.group(3))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /** Masks the secrets: a spec may be printed in a log line or a test failure. */
    @Override
    public String toString() {
        return "AdminSpec[" + bind + ", user=" + user.orElse("-") + ", password_hash=" + (passwordHash.isPresent() ? "***" : "-")
                + ", token=" + (token.isPresent() ? "***" : "-") + ", session_timeout=" + sessionTimeout
                + ", tls=" + tls() + ", jmx_port=" + jmxPort + "]";
    }
}
