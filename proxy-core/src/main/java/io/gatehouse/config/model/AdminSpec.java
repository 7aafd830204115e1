package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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

    /** Masks the secrets: a spec may be printed in a log line or a test failure. */
    @Override
    public String toString() {
        return "AdminSpec[" + bind + ", user=" + user.orElse("-") + ", password_hash=" + (passwordHash.isPresent() ? "***" : "-")
                + ", token=" + (token.isPresent() ? "***" : "-") + ", session_timeout=" + sessionTimeout
                + ", tls=" + tls() + ", jmx_port=" + jmxPort + "]";
    }
}
